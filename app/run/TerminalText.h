#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringView>

/**
 * Makes text that a server (or its certificate) controls safe to show on a terminal or in a
 * one-line view: every character a terminal or a text layout would *act on* becomes a visible
 * escape, the way `cat -v` and systemd do, so a banner cannot retitle the window, clear the
 * screen, move the cursor, hide a line or reorder what follows it.
 *
 * Escaped (everything else is kept as it is):
 *  - C0 controls U+0000-U+001F, including TAB, CR and LF: `\t`, `\r`, `\n`, else `\xNN`
 *    (ESC is `\x1b`). A line break inside a value must not start a line of its own.
 *  - DEL U+007F (`\x7f`) and the C1 controls U+0080-U+009F (`\u009b`: CSI on 8-bit terminals).
 *  - Bidirectional formatting (Unicode UAX #9): the embeddings and overrides U+202A-U+202E, the
 *    isolates U+2066-U+2069, and the marks U+200E, U+200F, U+061C; they reorder the text that
 *    follows ("Trojan Source", CVE-2021-42574).
 *  - The line and paragraph separators U+2028, U+2029 (line breaks in Qt's text layout).
 *  - Lone UTF-16 surrogates (`\ud800`), which no encoder can write out.
 *  - For bytes: every byte that is not part of well-formed UTF-8 (`\xff`).
 *
 * The data itself is never changed (the JSON report stays exact); only what is displayed.
 */
namespace TerminalText {

/// `text` with the characters above replaced by visible escapes.
QString escaped(QStringView text);
/// Raw bytes as UTF-8 text with the same escapes; bytes that are not well-formed UTF-8 become `\xNN`.
QString escapedBytes(QByteArrayView bytes);
/// True when escaped() would change `text`.
bool needsEscaping(QStringView text);

} // namespace TerminalText
