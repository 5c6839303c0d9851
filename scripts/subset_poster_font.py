#!/usr/bin/env python3
"""Builds assets/fonts/poster-sc-bold.otf, the font the server draws poster images with.

A subset of Noto Sans CJK SC Bold (SIL Open Font License 1.1, from Debian's fonts-noto-cjk):
every character of GB2312 (the 6,763 hanzi and its symbols), ASCII, the punctuation and marks
the boards use, and every character of the demo data. Run once when the set should change
(needs `pip install fonttools`); the output is committed so that builds need nothing.
"""
import glob
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
OUT = ROOT / "assets" / "fonts" / "poster-sc-bold.otf"

chars = set(chr(c) for c in range(0x20, 0x7F))
# GB2312: rows 0xA1–0xA9 (symbols) and 0xB0–0xF7 (hanzi), cells 0xA1–0xFE.
for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
    for lo in range(0xA1, 0xFF):
        try:
            chars.update(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
chars.update("“”‘’、。，：；！？（）《》【】〔〕—–…·↑↓→▲▼★☆●○■□✓✗％＋－×÷＝")
chars.update(chr(c) for c in range(0x2460, 0x2474))  # ①–⑳
for path in glob.glob(str(ROOT / "data" / "**" / "*"), recursive=True):
    p = pathlib.Path(path)
    if p.is_file() and p.suffix in (".csv", ".toml"):
        try:
            chars.update(p.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            pass
chars = sorted(c for c in chars if c.isprintable() or c == " ")
text = ROOT / "assets" / "fonts" / "poster-sc-bold.chars.txt"
text.write_text("".join(chars), encoding="utf-8")
subprocess.run(
    [
        sys.executable, "-m", "fontTools.subset", SOURCE,
        "--font-number=2",
        f"--text-file={text}",
        f"--output-file={OUT}",
        "--no-hinting",
        "--layout-features=kern,palt,vert,locl",
        "--name-IDs=*",
        "--name-languages=*",
    ],
    check=True,
)
print(f"{OUT}: {len(chars)} characters, {OUT.stat().st_size} bytes")
