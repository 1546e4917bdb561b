"""Cadence as the LLM of a Pipecat pipeline (needs ``pipecat-ai``).

Install ``requirements-pipecat.txt`` beside Cadence, then replace the LLM
service of a pipeline::

    from cadence.client.pipecat import CadenceLLMService

    llm = CadenceLLMService("ws://127.0.0.1:8000/ws", api_key=os.environ["TEXT_API_KEY"],
                            personality="wholesome", gender="female")

Only this package imports Pipecat: ``cadence.client`` and the server do not.
See docs/CLIENTS.md, "Using Cadence from Pipecat".
"""

from cadence.client.pipecat.service import CadenceLLMService
from cadence.client.pipecat.settings import CadenceLLMSettings

__all__ = ["CadenceLLMService", "CadenceLLMSettings"]
