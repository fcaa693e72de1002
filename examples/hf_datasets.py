"""Tokenise Harmony conversations for training with Hugging Face `datasets`.

    pip install 'openai-harmony[engines]'
    python examples/hf_datasets.py examples/data/conversations.jsonl out/hf --num-proc 2

Input: JSONL, one conversation a line in the canonical JSON form (``Conversation.to_json()``).
Output (``save_to_disk``; reload with ``datasets.load_from_disk``): columns ``input_ids``,
``loss_mask`` (1 where the model is trained) and ``labels`` (the token there, -100 elsewhere).
"""

from __future__ import annotations

import argparse
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


def load_conversations(path: str, cache_dir: Optional[str] = None) -> Dataset:
    """The JSONL file as a dataset with one ``text`` column (the raw JSON lines)."""
    # Read as text, not as JSON: Arrow would merge the differently shaped messages into one
    # struct schema, padding missing fields with nulls, and the JSON would no longer round-trip.
    return load_dataset("text", data_files=path, split="train", cache_dir=cache_dir)


def tokenize(dataset: Dataset, encoding: HarmonyEncoding, *, train_on: str = "all", num_proc: Optional[int] = 2) -> Dataset:
    """Map the ``text`` column to training columns in ``num_proc`` worker processes."""
    # The encoding goes to the workers by pickle: only its name travels, each worker loads
    # the vocabulary once.
    return dataset.map(
        tokenize_batch,
        batched=True,
        batch_size=64,
        num_proc=num_proc,
        fn_kwargs={"encoding": encoding, "train_on": train_on},
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
    args = parser.parse_args(argv)

    encoding = load_harmony_encoding(HarmonyEncodingName.HARMONY_GPT_OSS)
    dataset = tokenize(load_conversations(args.jsonl, args.cache_dir), encoding, train_on=args.train_on, num_proc=args.num_proc)
    dataset.save_to_disk(args.out_dir)
    tokens = sum(len(ids) for ids in dataset["input_ids"])
    trained = sum(sum(mask) for mask in dataset["loss_mask"])
    print(f"{len(dataset)} conversations, {tokens} tokens, {trained} trained -> {args.out_dir}")
    return dataset


if __name__ == "__main__":
    main()
