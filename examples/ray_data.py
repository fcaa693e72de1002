"""Tokenise Harmony conversations for training with Ray Data (one machine or a cluster).

    pip install 'openai-harmony[engines]'
    python examples/ray_data.py examples/data/conversations.jsonl out/ray --num-cpus 2

Input: JSONL, one conversation a line in the canonical JSON form (``Conversation.to_json()``).
Output: Parquet files with columns ``input_ids``, ``loss_mask`` (1 where the model is trained)
and ``labels`` (the token there, -100 elsewhere).  To use an existing cluster, start the
script with ``RAY_ADDRESS`` set (``ray.init`` then connects instead of starting one).

With ``--chat`` the lines are chat-layout rows (``{"messages": [...], "tools": [...]}`` with
``thinking`` / ``tool_calls``), rendered as transformers' ``apply_chat_template`` with the gpt-oss
template (masks as TRL's): ``python examples/ray_data.py examples/data/chat_thinking.jsonl out/ray --chat``.
"""

from __future__ import annotations

import argparse
import json
from typing import Optional, Sequence

import pyarrow as pa
import ray

from openai_harmony import Conversation, HarmonyEncoding, HarmonyEncodingName, load_harmony_encoding

IGNORE_INDEX = -100  # the label PyTorch's cross-entropy (and Hugging Face models) skip
_TOKENS = pa.list_(pa.int32())  # ids < 2**18: int32 halves the Parquet/Arrow size


def tokenize_batch(batch: pa.Table, encoding: HarmonyEncoding, train_on: str = "all") -> pa.Table:
    """One Arrow batch of JSON lines (``text``) -> input_ids, loss_mask and labels columns."""
    conversations = [Conversation.from_json(line) for line in batch.column("text").to_pylist()]
    # Ray runs one task per CPU; threads inside a task would only contend.
    rendered = encoding.render_conversations_for_training_with_mask(conversations, train_on=train_on, num_threads=1)
    return pa.table({
        "input_ids": pa.array([tokens for tokens, _ in rendered], _TOKENS),
        "loss_mask": pa.array([mask for _, mask in rendered], pa.list_(pa.int8())),
        "labels": pa.array([[t if m else IGNORE_INDEX for t, m in zip(tokens, mask)] for tokens, mask in rendered], _TOKENS),
    })


def tokenize_chat_batch(batch: pa.Table, encoding: HarmonyEncoding, date: Optional[str] = None) -> pa.Table:
    """One Arrow batch of chat-layout JSON lines -> the same columns, via ``apply_chat_template``."""
    rows = [json.loads(line) for line in batch.column("text").to_pylist()]
    rendered = [
        encoding.apply_chat_template(
            r["messages"], r.get("tools"), return_dict=True, return_assistant_tokens_mask=True, conversation_start_date=date
        )
        for r in rows
    ]
    return pa.table({
        "input_ids": pa.array([r["input_ids"] for r in rendered], _TOKENS),
        "loss_mask": pa.array([r["assistant_masks"] for r in rendered], pa.list_(pa.int8())),
        "labels": pa.array(
            [[t if m else IGNORE_INDEX for t, m in zip(r["input_ids"], r["assistant_masks"])] for r in rendered], _TOKENS
        ),
    })


def tokenize(
    dataset: "ray.data.Dataset",
    encoding: HarmonyEncoding,
    *,
    train_on: str = "all",
    num_blocks: Optional[int] = None,
    chat: bool = False,
    date: Optional[str] = None,
) -> "ray.data.Dataset":
    """Lazily map the ``text`` column to training columns, one Ray task per block."""
    if num_blocks:
        # One JSONL file is read as one block; split it so that every CPU gets work.
        dataset = dataset.repartition(num_blocks)
    # The encoding is shipped to the workers by pickle: only its name travels, each worker
    # process loads the vocabulary once and keeps it for later tasks.
    fn, kwargs = (tokenize_chat_batch, {"date": date}) if chat else (tokenize_batch, {"train_on": train_on})
    return dataset.map_batches(
        fn,
        batch_format="pyarrow",
        batch_size=64,
        fn_kwargs={"encoding": encoding, **kwargs},
    )


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Command line: JSONL in, tokenised Parquet out."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("jsonl", help="conversations, one canonical JSON a line")
    parser.add_argument("out_dir", help="directory for the Parquet files")
    parser.add_argument("--num-cpus", type=int, default=None, help="CPUs of a local Ray instance (default: all)")
    parser.add_argument("--num-blocks", type=int, default=None, help="split the input into this many blocks")
    parser.add_argument("--train-on", choices=["all", "last"], default="all")
    parser.add_argument("--chat", action="store_true", help="chat-layout rows, gpt-oss chat template")
    parser.add_argument("--date", default=None, help="--chat: the system message's date (default: today)")
    args = parser.parse_args(argv)
    if args.chat and args.train_on != "all":
        parser.error("--train-on last is for Harmony conversations; with --chat the template's masks apply")

    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=args.num_cpus, include_dashboard=False)
    try:
        encoding = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
        num_blocks = args.num_blocks or int(ray.cluster_resources().get("CPU", 1))
        dataset = tokenize(
            ray.data.read_text(args.jsonl), encoding, train_on=args.train_on, num_blocks=num_blocks,
            chat=args.chat, date=args.date,
        )
        dataset.write_parquet(args.out_dir)
        # Counting the written files reads Parquet metadata only; the pipeline does not rerun.
        print(f"{ray.data.read_parquet(args.out_dir).count()} conversations -> {args.out_dir}")
    finally:
        if started:
            ray.shutdown()


if __name__ == "__main__":
    main()
