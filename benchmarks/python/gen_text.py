"""Writes the word-count benchmark's input: about SIZE bytes of words
separated by single spaces (no newline), made by a fixed linear
congruential generator, so every run and every language sees the same
text.  Prints "KEY DISTINCT COUNT_OF_KEY": the key word the programs look
up and the results they must print.  Usage: gen_text.py OUT [SIZE]"""
import sys

out = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
state = 12345


def rnd():
    global state
    state = (state * 1103515245 + 12345) % 2147483648
    return state >> 8


letters = "etaoinshrdlucmfwypvbgkqjxz"
vocab = []
seen = set()
while len(vocab) < 20000:
    w = "".join(letters[rnd() % 26] for _ in range(2 + rnd() % 7))
    if w not in seen:
        seen.add(w)
        vocab.append(w)
words = []
total = 0
while total < size:
    # Skewed choice: small indexes (common words) come up far more often.
    w = vocab[(rnd() % 20000) * (rnd() % 20000) // 20000]
    words.append(w)
    total += len(w) + 1
text = " ".join(words)
with open(out, "w", encoding="ascii") as f:
    f.write(text)
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
key = vocab[0]
print(key, len(counts), counts[key])
