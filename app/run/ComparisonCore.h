#pragma once

#include "Types.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

/// One value that differs between two runs (e.g. the negotiated TLS version).
struct FieldChange
{
    QString field; ///< stable key: "tls.protocol", "certificate.sha256", "verdict", ...
    QString before; ///< empty when the first run has no such value
    QString after;
    bool operator==(const FieldChange&) const = default;
};

/// What was added to and removed from a set (capabilities, finding ids) from one run to the next.
struct SetChange
{
    QStringList added; ///< sorted
    QStringList removed; ///< sorted
    bool isEmpty() const { return added.isEmpty() && removed.isEmpty(); }
};

/**
 * What RunComparison and DomainComparison are both made of: scalar fields compared in a fixed
 * order, sets compared as sets, and the same JSON and terminal text for both.
 */
namespace comparison {

/// Sets: an entry listed twice is one fact; order is the server's, not a change.
SetChange setChange(const QStringList& before, const QStringList& after);

/// The fields whose values differ, in the order of `fields`; `valueOf(item, field)` gives a value.
template<typename T, typename ValueOf>
QList<FieldChange> fieldChanges(const QStringList& fields, const T& before, const T& after, ValueOf valueOf)
{
    QList<FieldChange> changes;
    for (const QString& field : fields) {
        const QString a = valueOf(before, field);
        const QString b = valueOf(after, field);
        if (a != b)
            changes.append({field, a, b});
    }
    return changes;
}

/// The change of `field` in `changes`, or nullptr.
const FieldChange* find(const QList<FieldChange>& changes, const QString& field);

/// [{"field", "before", "after"}, ...]
QJsonArray changesJson(const QList<FieldChange>& changes);
/// {"added": [...], "removed": [...]}
QJsonObject setJson(const SetChange& change);

/// A value for a terminal: escaped (TerminalText), "-" when empty.
QString orDash(const QString& value);

/// One of the two things compared, as the text's first lines name it.
struct Side
{
    QString name; ///< shown escaped
    QDateTime startedAt;
    Verdict verdict = Verdict::Unknown;
};

/// "Before: name (time, verdict)", "After: ...", a blank line and, when `unchanged`, says so.
QString headerText(const Side& before, const Side& after, bool unchanged);
/// "label: before -> after" for each change.
QString changeLines(const QList<FieldChange>& changes, QString (*label)(const QString& field));
/// "label: + entry" for each added entry, then "label: - entry" for each removed one.
QString setLines(const QString& label, const SetChange& set);

} // namespace comparison
