#include "TerminalText.h"

namespace {

bool isBidiControl(char32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F
           || c == 0x061C;
}

bool mustEscape(char32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || isBidiControl(c) || c == 0x2028 || c == 0x2029
           || (c >= 0xD800 && c <= 0xDFFF);
}

void appendHex(QString& out, QLatin1StringView prefix, char32_t value, int digits)
{
    out += prefix;
    out += QString::number(uint(value), 16).rightJustified(digits, QLatin1Char('0'));
}

void appendEscape(QString& out, char32_t c)
{
    switch (c) {
    case U'\t':
        out += QLatin1String("\\t");
        return;
    case U'\n':
        out += QLatin1String("\\n");
        return;
    case U'\r':
        out += QLatin1String("\\r");
        return;
    default:
        break;
    }
    if (c <= 0x7F)
        appendHex(out, QLatin1String("\\x"), c, 2);
    else
        appendHex(out, QLatin1String("\\u"), c, 4);
}

void appendCodePoint(QString& out, char32_t c)
{
    if (mustEscape(c))
        appendEscape(out, c);
    else if (c > 0xFFFF)
        out += QString::fromUcs4(&c, 1);
    else
        out += QChar(char16_t(c));
}

/// Length of the well-formed UTF-8 sequence at `i` (RFC 3629 s.4), its code point in `*cp`; 0 if none.
int utf8Sequence(QByteArrayView bytes, qsizetype i, char32_t* cp)
{
    const auto byte = [&](qsizetype k) { return uchar(bytes.at(k)); };
    const uchar b0 = byte(i);
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    int length = 0;
    char32_t value = 0;
    uchar low = 0x80;
    uchar high = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        value = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        value = b0 & 0x0F;
        if (b0 == 0xE0)
            low = 0xA0; // overlong
        if (b0 == 0xED)
            high = 0x9F; // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        value = b0 & 0x07;
        if (b0 == 0xF0)
            low = 0x90; // overlong
        if (b0 == 0xF4)
            high = 0x8F; // above U+10FFFF
    } else {
        return 0;
    }
    if (i + length > bytes.size())
        return 0;
    for (int k = 1; k < length; ++k) {
        const uchar b = byte(i + k);
        const uchar lo = k == 1 ? low : 0x80;
        const uchar hi = k == 1 ? high : 0xBF;
        if (b < lo || b > hi)
            return 0;
        value = (value << 6) | (b & 0x3F);
    }
    *cp = value;
    return length;
}

} // namespace

namespace TerminalText {

bool needsEscaping(QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text.at(i);
        if (ch.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            ++i;
            continue;
        }
        if (mustEscape(ch.unicode()))
            return true;
    }
    return false;
}

QString escaped(QStringView text)
{
    if (!needsEscaping(text))
        return text.toString();
    QString out;
    out.reserve(text.size() + 16);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text.at(i);
        // A valid surrogate pair is one character outside the BMP: keep it.
        if (ch.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            out += ch;
            out += text.at(++i);
            continue;
        }
        appendCodePoint(out, ch.unicode());
    }
    return out;
}

QString escapedBytes(QByteArrayView bytes)
{
    QString out;
    out.reserve(bytes.size());
    qsizetype i = 0;
    while (i < bytes.size()) {
        char32_t cp = 0;
        const int length = utf8Sequence(bytes, i, &cp);
        if (length == 0) {
            appendHex(out, QLatin1String("\\x"), uchar(bytes.at(i)), 2);
            ++i;
            continue;
        }
        appendCodePoint(out, cp);
        i += length;
    }
    return out;
}

} // namespace TerminalText
