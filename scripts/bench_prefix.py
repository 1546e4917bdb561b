"""TTFT per turn of a conversation on the ``hf`` engine, with and without prefix reuse.

Starts two ``cadence serve --engine hf`` servers, one with the prefix cache
(``HF_PREFIX_CACHE_MB`` default) and one without (``HF_PREFIX_CACHE_MB=0``),
and runs the same 6-turn conversation on both, turn by turn in alternation
(so both see the same machine): a bakery persona of about 600 tokens,
replies capped at 24 tokens, greedy. Prints, per turn, the server's own
``done.timings.ttft_ms`` and ``done.usage.cached_prompt_tokens``.

    .venv/bin/python scripts/bench_prefix.py [--conversations 2] [--port 8181]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_launch import API_KEY, start_cadence

from cadence.client import CadenceClient

PERSONA = " ".join([
    "You are Rosa, the voice assistant of Padaria Estrela, a small family bakery in Lisbon.",
    "You speak warmly and briefly, in one or two short sentences, because your answers are spoken aloud.",
    "The bakery opens at seven in the morning from Monday to Saturday and at eight on Sundays,",
    "and closes at seven in the evening, except on Sundays when it closes at two.",
    "The menu: pasteis de nata at one euro twenty each or six for six euros; sourdough loaves at",
    "four euros fifty; rye bread at four euros; a seeded spelt loaf at five euros; almond cake by",
    "the slice at three euros or whole at twenty four; orange and olive oil cake at two euros fifty",
    "a slice; bolas de Berlim on weekends only at one euro eighty; croissants plain at one euro sixty",
    "and with ham and cheese at three euros; espresso at one euro, galao at one euro eighty,",
    "cappuccino at two euros fifty, fresh orange juice at three euros. Gluten free: only the almond",
    "cake, which is made without flour, but it is baked in a kitchen that handles wheat, so people",
    "with coeliac disease should be careful. Vegan: the sourdough, the rye and the spelt loaf.",
    "Orders for whole cakes need forty eight hours' notice and can be picked up from ten o'clock.",
    "Delivery is available within three kilometres for orders above twenty euros, for a fee of",
    "three euros; payment by card, cash or MB Way. The owner is Dona Graca, who has baked here for",
    "thirty years; her son Miguel runs the morning shift. Seating: six small tables inside and four",
    "outside on the terrace, dogs welcome on the terrace. Wi-fi is free; the password is on the",
    "receipt. Never invent items or prices that are not listed here; if you do not know, say so",
    "and offer to take a message for Dona Graca. Do not use lists, markdown or emojis.",
    "Seasonal specials: in December there is bolo rei at eighteen euros, reserved a day ahead;",
    "in spring a strawberry tart at three euros fifty a slice; in summer lemon sorbet at two euros.",
    "Allergens: the custard tarts contain egg, milk and wheat; the almond cake contains nuts and egg;",
    "the croissants contain butter, milk and wheat; the sorbet contains no allergens listed here.",
    "Events: on the first Saturday of each month Miguel runs a bread class at nine for twenty five",
    "euros, six places, booked at the counter or by phone. Gift cards exist for ten, twenty and",
    "fifty euros. Loyalty: every tenth coffee is free with the stamp card. Parking: there is none,",
    "but the tram stop Estrela is two minutes away and the 28 tram stops there. If someone complains,",
    "apologise once, ask what happened, and offer a free coffee on their next visit; never argue.",
    "If a caller asks for something the bakery does not make, suggest the closest item on the menu.",
])
QUESTIONS = [
    "Hi! Are you open right now?",
    "What cakes do you have today?",
    "How much is a custard tart?",
    "Do you have anything gluten free?",
    "Can I order a whole almond cake for Saturday?",
    "Great, and do you deliver?",
]


async def conversation(port: int) -> list[tuple[float | None, int]]:
    """Run the 6 turns on one server; (server ttft_ms, cached tokens) per turn."""
    out: list[tuple[float | None, int]] = []
    async with CadenceClient(f"ws://127.0.0.1:{port}/ws", api_key=API_KEY, recv_timeout=120) as client:
        await (await client.start(PERSONA, sampling={"temperature": 0.0, "max_tokens": 24})).result()
        for question in QUESTIONS:
            result = await (await client.message(question)).result()
            server = result.timings.server
            usage = result.usage
            out.append((server.ttft_ms if server else None, usage.cached_prompt_tokens if usage else 0))
        await client.end()
    return out


async def run(args: argparse.Namespace) -> None:
    ports = {"reuse": args.port, "cold": args.port + 1}
    procs = [start_cadence({"INFERENCE_ENGINE": "hf", "DEPLOY_MODE": "chat", "HF_PREFIX_CACHE_MB": mb}, port)
             for mb, port in (("512", ports["reuse"]), ("0", ports["cold"]))]
    results: dict[str, list[list[tuple[float | None, int]]]] = {"reuse": [], "cold": []}
    try:
        for index in range(args.conversations):
            order = ["reuse", "cold"] if index % 2 == 0 else ["cold", "reuse"]
            for name in order:
                results[name].append(await conversation(ports[name]))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(60)
    print(f"{args.conversations} conversations per server; server ttft_ms (median over conversations), "
          "cached_prompt_tokens")
    print(f"{'turn':>4} {'cold ttft':>10} {'reuse ttft':>11} {'reuse cached':>13}")
    for turn in range(len(QUESTIONS)):
        cold = statistics.median(c[turn][0] or 0.0 for c in results["cold"])
        warm = statistics.median(c[turn][0] or 0.0 for c in results["reuse"])
        cached = results["reuse"][-1][turn][1]
        print(f"{turn + 1:>4} {cold:>10.0f} {warm:>11.0f} {cached:>13}")
    for name in ("cold", "reuse"):
        later = [c[t][0] or 0.0 for c in results[name] for t in range(2, len(QUESTIONS))]
        first = results[name][0][0][0] or 0.0  # the very first turn: nothing cached yet
        print(f"{name}: first conversation's turn 1 {first:.0f} ms; turns 3-6 median "
              f"{statistics.median(later):.0f} ms ({statistics.median(later) / first:.2f}x turn 1); "
              f"per conversation turn 1: {[round(c[0][0] or 0.0) for c in results[name]]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=2)
    parser.add_argument("--port", type=int, default=8181)
    asyncio.run(run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
