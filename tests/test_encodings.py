"""Legacy encodings are decoded right (our own sentences, written by the test in each code page),
a declared charset wins over a guess, --encoding overrides, and a weak guess warns."""

import subprocess
import sys

import pytest

from storycheck import UnreadableInput
from storycheck.ingest import ReadOptions, read_path

TEXTS = {
    "ru": ("Мэр города Ларкспур закрыл мост Мерроу во вторник после того, как инспекторы нашли "
           "четырнадцать трещин в его балках. Ремонт продлится не менее шести недель, сообщила "
           "пресс-секретарь администрации. Жители объезжают реку по старой дороге через лес."),
    "de": ("Der Bürgermeister von Larkspur hat die Merrow-Brücke am Dienstag geschlossen, nachdem Prüfer "
           "vierzehn Risse in den Trägern gefunden hatten. Die Sperrung dauert mindestens sechs Wochen, "
           "sagte eine Sprecherin. Größere Schäden würden ausgeschlossen, für Fußgänger gäbe es eine Fähre."),
    "fr": ("Le maire de Larkspur a fermé le pont Merrow mardi après que des inspecteurs ont découvert quatorze "
           "fissures dans ses poutres. La fermeture durera au moins six semaines, a déclaré une porte-parole. "
           "« C'est une décision prudente », a-t-elle ajouté, précisant qu'un bac relierait les deux rives."),
    "es": ("El señor Muñoz, alcalde de Larkspur, cerró el puente Merrow el martes después de que los inspectores "
           "encontraran catorce grietas en sus vigas. El cierre durará al menos seis semanas, según una portavoz. "
           "¿Quién pagará la reparación? Los vecinos cruzarán el río en un transbordador pequeño."),
}
CASES = [("ru", "cp1251"), ("ru", "koi8-r"), ("ru", "utf-16"), ("de", "latin-1"), ("de", "cp1252"),
         ("de", "utf-16"), ("fr", "latin-1"), ("fr", "cp1252"), ("fr", "utf-16"), ("es", "latin-1"),
         ("es", "cp1252"), ("es", "utf-16")]


@pytest.mark.parametrize(("lang", "encoding"), CASES)
def test_legacy_encodings_decode_to_the_original(tmp_path, lang, encoding):
    text = TEXTS[lang]
    p = tmp_path / f"{lang}.txt"
    p.write_bytes(text.encode(encoding))
    (a,) = read_path(p)
    assert a.text == text


@pytest.mark.parametrize(("lang", "encoding"), [("ru", "cp1251"), ("ru", "koi8-r"), ("es", "latin-1")])
def test_streamed_formats_detect_too(tmp_path, lang, encoding):
    import json

    text = TEXTS[lang]
    lines = tmp_path / "a.jsonl"
    lines.write_bytes((json.dumps({"text": text}, ensure_ascii=False) + "\n").encode(encoding))
    assert read_path(lines)[0].text == text
    feed = tmp_path / "a.rss"
    feed.write_bytes((f"<rss><channel><title>O</title><item><title>T</title><description>{text}"
                      "</description></item></channel></rss>").encode(encoding))
    assert read_path(feed)[0].text == text


def test_declared_charset_wins_over_a_guess(tmp_path):
    body = "Der Bürgermeister sagte: Die Brücke bleibt sechs Wochen zu."
    html = (f'<?xml version="1.0" encoding="koi8-r"?><rss><channel><title>O</title><item><title>T</title>'
            f"<description>{TEXTS['ru']}</description></item></channel></rss>")
    p = tmp_path / "declared.rss"
    p.write_bytes(html.encode("koi8-r"))
    assert read_path(p)[0].text == TEXTS["ru"]
    meta = tmp_path / "m.html"
    meta.write_bytes((f'<html><head><meta charset="windows-1252"><title>Brücke</title></head><body><article>'
                      f"<p>{body} {TEXTS['de']}</p></article></body></html>").encode("cp1252"))
    assert body in read_path(meta)[0].text


def test_override_and_unknown_encoding(tmp_path):
    p = tmp_path / "short.txt"
    p.write_bytes("Мэр закрыл мост.".encode("koi8-r"))
    assert read_path(p, ReadOptions(encoding="koi8-r"))[0].text == "Мэр закрыл мост."
    with pytest.raises(UnreadableInput, match="unknown encoding 'klingon'"):
        read_path(p, ReadOptions(encoding="klingon"))


def test_weak_guess_warns_on_stderr_naming_file_and_encoding(tmp_path):
    p = tmp_path / "short.txt"
    p.write_bytes("Señor Muñoz said the bridge is shut.".encode("latin-1"))
    other = tmp_path / "b.txt"
    other.write_text("The bridge is shut, Señor Muñoz said on Tuesday.")
    warned = []
    read_path(p, ReadOptions(warn=warned.append))
    assert warned and str(p) in warned[0] and "cp1252" in warned[0] and "weak guess" in warned[0]
    r = subprocess.run([sys.executable, "-m", "storycheck", "cluster", "--json", str(p), str(other)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert any(str(p) in ln and "weak guess" in ln for ln in r.stderr.splitlines())
    r = subprocess.run([sys.executable, "-m", "storycheck", "cluster", "--json", "--encoding", "latin-1", str(p),
                        str(other)], capture_output=True, text=True)
    assert r.returncode == 0 and "weak guess" not in r.stderr
