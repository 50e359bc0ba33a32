#!/usr/bin/env python3
"""Fills the English plural forms in mailscope_en.ts from the "(s)"/"(es)" convention of the
source texts: "%n extension(s)" -> "%n extension" / "%n extensions". Run by
`cmake --build build --target update_translations` after lupdate -pluralonly. Only messages lupdate
marks unfinished (new or changed) are filled: forms corrected by hand ("was" for one, "were" for
more) are kept."""
import re
import sys
import xml.etree.ElementTree as ET

path = sys.argv[1] if len(sys.argv) > 1 else "translations/mailscope_en.ts"
tree = ET.parse(path)
for message in tree.iter("message"):
    if message.get("numerus") != "yes":
        continue
    source = message.find("source").text
    singular = re.sub(r"\((?:s|es)\)", "", source)
    plural = re.sub(r"\((s|es)\)", r"\1", source)
    translation = message.find("translation")
    if translation.get("type") != "unfinished" and any((f.text or "") for f in translation):
        continue
    for child in list(translation):
        translation.remove(child)
    translation.attrib.pop("type", None)
    for form in (singular, plural):
        element = ET.SubElement(translation, "numerusform")
        element.text = form
tree.write(path, encoding="utf-8", xml_declaration=True)
