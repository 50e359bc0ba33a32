#pragma once

#include <QPalette>
#include <QString>

/// Small helpers for the panes that render a Run as rich text (palette-aware colours).
namespace HtmlStyle {

QString escape(const QString& text);
QString colour(const QColor& c);
/// The document style sheet for a pane: body text, tables, headings, code.
QString styleSheet(const QPalette& palette);
/// `<img>` of an icon from the resources, `size` px.
QString icon(const QString& name, int size = 16);
/// A two-column key/value row.
QString row(const QString& key, const QString& valueHtml);
/// "RFC 3207 s.4" -> a link to the RFC; "CVE-2011-0411" -> a link to the record.
QString referenceLinks(const QString& reference);

} // namespace HtmlStyle
