"""Tokenise Harmony conversations for training with Hugging Face `datasets`.

    pip install 'openai-harmony[engines]'
    python examples/hf_datasets.py examples/data/conversations.jsonl out/hf --num-proc 2

Input: JSONL, one conversation a line in the canonical JSON form (``Conversation.to_json()``).
Output (``save_to_disk``; reload with ``datasets.load_from_disk``): columns ``input_ids``,
``loss_mask`` (1 where the model is trained) and ``labels`` (the token there, -100 elsewhere).

With ``--chat`` the lines are chat-layout rows (``{"messages": [...], "tools": [...]}``, with
``thinking`` and ``tool_calls``, as in the public gpt-oss fine-tuning sets), rendered exactly as
transformers' ``apply_chat_template`` with the gpt-oss template, masks as TRL's:

    python examples/hf_datasets.py examples/data/chat_thinking.jsonl out/hf --chat --date 2025-08-05
"""

from __future__ import annotations

import argparse
import json
from typing import Dict, List, Optional, Sequence

from datasets import Dataset, load_dataset

from openai_harmony import Conversation, HarmonyEncoding, HarmonyEncodingName, load_harmony_encoding

IGNORE_INDEX = -100  # the label PyTorch's cross-entropy (and Hugging Face models) skip


def tokenize_batch(batch: Dict[str, List[str]], encoding: HarmonyEncoding, train_on: str = "all") -> Dict[str, list]:
    """One batch of JSON lines -> input_ids, loss_mask and labels columns."""
    conversations = [Conversation.from_json(line) for line in batch["text"]]
    # num_proc already gives one process per core; threads on top would only contend.
    rendered = encoding.render_conversations_for_training_with_mask(conversations, train_on=train_on, num_threads=1)
    return {
        "input_ids": [tokens for tokens, _ in rendered],
        "loss_mask": [mask for _, mask in rendered],
        "labels": [[t if m else IGNORE_INDEX for t, m in zip(tokens, mask)] for tokens, mask in rendered],
    }


def tokenize_chat_batch(batch: Dict[str, List[str]], encoding: HarmonyEncoding, date: Optional[str] = None) -> Dict[str, list]:
    """One batch of chat-layout JSON lines -> the same columns, via ``apply_chat_template``."""
    out: Dict[str, list] = {"input_ids": [], "loss_mask": [], "labels": []}
    for line in batch["text"]:
        row = json.loads(line)
        enc = encoding.apply_chat_template(
            row["messages"], row.get("tools"), return_dict=True, return_assistant_tokens_mask=True,
            conversation_start_date=date,
        )
        tokens, mask = enc["input_ids"], enc["assistant_masks"]
        out["input_ids"].append(tokens)
        out["loss_mask"].append(mask)
        out["labels"].append([t if m else IGNORE_INDEX for t, m in zip(tokens, mask)])
    return out


def load_conversations(path: str, cache_dir: Optional[str] = None) -> Dataset:
    """The JSONL file as a dataset with one ``text`` column (the raw JSON lines)."""
    # Read as text, not as JSON: Arrow would merge the differently shaped messages into one
    # struct schema, padding missing fields with nulls, and the JSON would no longer round-trip.
    return load_dataset("text", data_files=path, split="train", cache_dir=cache_dir)


def tokenize(
    dataset: Dataset,
    encoding: HarmonyEncoding,
    *,
    train_on: str = "all",
    num_proc: Optional[int] = 2,
    chat: bool = False,
    date: Optional[str] = None,
) -> Dataset:
    """Map the ``text`` column to training columns in ``num_proc`` worker processes."""
    # The encoding goes to the workers by pickle: only its name travels, each worker loads
    # the vocabulary once.
    fn, kwargs = (tokenize_chat_batch, {"date": date}) if chat else (tokenize_batch, {"train_on": train_on})
    return dataset.map(
        fn,
        batched=True,
        batch_size=64,
        num_proc=num_proc,
        fn_kwargs={"encoding": encoding, **kwargs},
        remove_columns=dataset.column_names,
        desc="harmony",
    )


def main(argv: Optional[Sequence[str]] = None) -> Dataset:
    """Command line: JSONL in, tokenised dataset saved to disk."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("jsonl", help="conversations, one canonical JSON a line")
    parser.add_argument("out_dir", help="where to save_to_disk the tokenised dataset")
    parser.add_argument("--num-proc", type=int, default=2)
    parser.add_argument("--train-on", choices=["all", "last"], default="all")
    parser.add_argument("--cache-dir", default=None, help="datasets cache (default: HF_DATASETS_CACHE)")
    parser.add_argument("--chat", action="store_true", help="chat-layout rows, gpt-oss chat template")
    parser.add_argument("--date", default=None, help="--chat: the system message's date (default: today)")
    args = parser.parse_args(argv)
    if args.chat and args.train_on != "all":
        parser.error("--train-on last is for Harmony conversations; with --chat the template's masks apply")

    encoding = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
    dataset = tokenize(
        load_conversations(args.jsonl, args.cache_dir), encoding, train_on=args.train_on, num_proc=args.num_proc,
        chat=args.chat, date=args.date,
    )
    dataset.save_to_disk(args.out_dir)
    tokens = sum(len(ids) for ids in dataset["input_ids"])
    trained = sum(sum(mask) for mask in dataset["loss_mask"])
    print(f"{len(dataset)} conversations, {tokens} tokens, {trained} trained -> {args.out_dir}")
    return dataset


if __name__ == "__main__":
    main()
