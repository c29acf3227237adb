#!/usr/bin/env python3
"""Make lab 01's small tokenizer.json and count tokens with Hugging Face's own `tokenizers`.

Two jobs, both with the Python `tokenizers` package (pip install tokenizers):

1. `make`: train a byte-level BPE (the GPT-2 family's scheme) with a 400-token vocabulary on the
   small corpus below, add a `<s> ... </s>` template, and switch fixed padding to 16 tokens and
   truncation at 16 tokens ON, the way tokenizer files prepared for batched training often ship.
   Written to labs/01-context-window/tests/tiny-tokenizer.json; the lab's tests use that file.
2. `counts`: count the tokens of every text in TEXTS with padding and truncation switched off and
   without special tokens (`encode(text, add_special_tokens=False)`), and write
   reference/01-context-window/tools/tiny_tokenizer_counts.json. The reference's test
   tests/tokenizer_agrees.rs checks that `HfTokenCounter` gives exactly these counts, and that
   they differ from what the file's own padding and truncation settings would give.

The Python package wraps the same Rust crate the lab uses, built and released separately (the
last run used tokenizers 0.23.3 from PyPI; the lab pins the crate at ~0.23), so the check is
"the lab counts what Hugging Face's tokenizer reports for this file", not a second algorithm.

How to run (from the workspace root):

    python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tokenizers
    /tmp/tokvenv/bin/python reference/01-context-window/tools/tiny_tokenizer.py make    # rarely
    /tmp/tokvenv/bin/python reference/01-context-window/tools/tiny_tokenizer.py counts
"""

import json
import pathlib
import sys

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

ROOT = pathlib.Path(__file__).resolve().parents[3]
TOKENIZER = ROOT / "labs/01-context-window/tests/tiny-tokenizer.json"
COUNTS = ROOT / "reference/01-context-window/tools/tiny_tokenizer_counts.json"

CORPUS = [
    "Every language model has a maximum number of tokens it can see at once.",
    "This is called the context window, the working memory of the model.",
    "The context window contains everything the model processes.",
    "The system prompt, the conversation history, your new message and the retrieved documents.",
    "When the context is full, older messages get dropped or you hit an error.",
    "Longer context means more capabilities, but also more cost and slower responses.",
    "Each token costs money, and you pay for every token in your context, every turn.",
    "Models pay more attention to the beginning and the end of the context.",
    "Information buried in the middle of a long context gets attended to less.",
    "Put the most important information at the start or the end of your prompt.",
    "Summarise the old turns of the conversation and keep the recent turns in full.",
    "A token is a piece of a word: common words are one token, rare words are several.",
    "The tokenizer splits text into tokens before the model sees it.",
    "Count the tokens of the system prompt, the history and the new message.",
    "The remaining tokens are what is left for the answer of the model.",
    "Retrieved documents from a search fill the context window quickly.",
    "The user asks a question and the assistant answers it.",
    "the the the context context window window token token tokens tokens",
]

TEXTS = [
    "",
    "a",
    "the",
    "The context window",
    "Hello, world!",
    "Every language model has a maximum number of tokens it can see at once.",
    "Summary of previous conversation: user: What is a token? assistant: A piece of a word.",
    "naïve café, Grüße aus Köln",
    "日本語のテキスト",
    "emoji 👋🏽 and 🤖",
    "  leading and trailing spaces  ",
    "line one\nline two\n\n",
    "<s> special tokens in the text </s>",
    "1234567890 3.14159",
    "When the context is full, older messages get dropped (usually from the beginning) "
    "or you hit an error. Longer context means more cost: you pay for every token in your "
    "context, every turn.",
]


def make():
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        min_frequency=2,
        special_tokens=["<pad>", "<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(CORPUS, trainer)
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> $B:1 </s>:1",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    tokenizer.enable_padding(length=16, pad_id=tokenizer.token_to_id("<pad>"), pad_token="<pad>")
    tokenizer.enable_truncation(max_length=16)
    tokenizer.save(str(TOKENIZER), pretty=True)
    print(f"wrote {TOKENIZER.relative_to(ROOT)} ({tokenizer.get_vocab_size()} tokens)")


def counts():
    tokenizer = Tokenizer.from_file(str(TOKENIZER))
    padded = [len(tokenizer.encode(text, add_special_tokens=False).ids) for text in TEXTS]
    tokenizer.no_padding()
    tokenizer.no_truncation()
    exact = [len(tokenizer.encode(text, add_special_tokens=False).ids) for text in TEXTS]
    import tokenizers

    record = {
        "tokenizers_version": tokenizers.__version__,
        "note": "encode(text, add_special_tokens=False) with padding and truncation off; "
        "as_shipped: the same with the file's padding (16) and truncation (16) left on",
        "cases": [
            {"text": text, "tokens": n, "as_shipped": p}
            for text, n, p in zip(TEXTS, exact, padded)
        ],
    }
    COUNTS.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    for text, n, p in zip(TEXTS, exact, padded):
        print(f"{n:4} tokens (as shipped: {p:2})  {text!r}")
    print(f"wrote {COUNTS.relative_to(ROOT)} (tokenizers {tokenizers.__version__})")


if __name__ == "__main__":
    {"make": make, "counts": counts}[sys.argv[1] if len(sys.argv) > 1 else "counts"]()
