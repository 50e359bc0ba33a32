#include "HtmlStyle.h"

#include "run/TerminalText.h"
#include "UiStyle.h"

#include <QRegularExpression>

namespace HtmlStyle {

// Server text in a rich-text pane: control characters, line breaks and bidi overrides become
// visible escapes first (a newline would otherwise start a paragraph, an RLO reorder the rest).
QString escape(const QString& text) { return TerminalText::escaped(text).toHtmlEscaped(); }

QString colour(const QColor& c) { return c.name(QColor::HexRgb); }

QString styleSheet(const QPalette& palette)
{
    const QString muted = colour(UiStyle::muted(palette));
    const QString rule = colour(UiStyle::tint(palette.color(QPalette::Text), palette, 0.15));
    return QStringLiteral("body { color: %1; }"
                          "td { padding: 3px 10px 3px 0px; vertical-align: top; }"
                          "td.key { color: %2; white-space: nowrap; }"
                          "h2 { margin-top: 0px; margin-bottom: 4px; }"
                          "h3 { margin-top: 10px; margin-bottom: 4px; }"
                          "code, .mono { font-family: monospace; }"
                          ".muted { color: %2; }"
                          "table.grid td { border-bottom: 1px solid %3; }")
        .arg(colour(palette.color(QPalette::Text)), muted, rule);
}

QString icon(const QString& name, int size)
{
    return QStringLiteral(
               "<img src=\":/icons/%1.svg\" width=\"%2\" height=\"%2\" style=\"vertical-align: middle\">")
        .arg(name)
        .arg(size);
}

QString row(const QString& key, const QString& valueHtml)
{
    return QStringLiteral("<tr><td class=\"key\">%1</td><td>%2</td></tr>").arg(escape(key), valueHtml);
}

QString referenceLinks(const QString& reference)
{
    QString html = escape(reference);
    static const QRegularExpression rfc(QStringLiteral("RFC\\s?(\\d{3,5})"));
    static const QRegularExpression cve(QStringLiteral("(CVE-\\d{4}-\\d{4,})"));
    html.replace(rfc, QStringLiteral("<a href=\"https://www.rfc-editor.org/rfc/rfc\\1\">RFC \\1</a>"));
    html.replace(cve, QStringLiteral("<a href=\"https://www.cve.org/CVERecord?id=\\1\">\\1</a>"));
    return html;
}

} // namespace HtmlStyle
