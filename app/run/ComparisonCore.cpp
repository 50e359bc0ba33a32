#include "ComparisonCore.h"

#include "TerminalText.h"

#include <QCoreApplication>
#include <QSet>

namespace comparison {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("RunComparison", text); }

} // namespace

SetChange setChange(const QStringList& before, const QStringList& after)
{
    const QSet<QString> a(before.cbegin(), before.cend());
    const QSet<QString> b(after.cbegin(), after.cend());
    SetChange change;
    for (const QString& s : b) {
        if (!a.contains(s))
            change.added.append(s);
    }
    for (const QString& s : a) {
        if (!b.contains(s))
            change.removed.append(s);
    }
    change.added.sort();
    change.removed.sort();
    return change;
}

const FieldChange* find(const QList<FieldChange>& changes, const QString& field)
{
    for (const FieldChange& f : changes) {
        if (f.field == field)
            return &f;
    }
    return nullptr;
}

QJsonArray changesJson(const QList<FieldChange>& changes)
{
    QJsonArray out;
    for (const FieldChange& f : changes)
        out.append(QJsonObject {{QStringLiteral("field"), f.field},
                                {QStringLiteral("before"), f.before},
                                {QStringLiteral("after"), f.after}});
    return out;
}

QJsonObject setJson(const SetChange& change)
{
    return {{QStringLiteral("added"), QJsonArray::fromStringList(change.added)},
            {QStringLiteral("removed"), QJsonArray::fromStringList(change.removed)}};
}

QString orDash(const QString& value)
{
    return value.isEmpty() ? QStringLiteral("-") : TerminalText::escaped(value);
}

QString headerText(const Side& before, const Side& after, bool unchanged)
{
    const auto when = [](const Side& s) { return s.startedAt.toUTC().toString(Qt::ISODate); };
    QString out;
    out += tr("Before: %1 (%2, %3)\n").arg(orDash(before.name), when(before), toKey(before.verdict));
    out += tr("After:  %1 (%2, %3)\n").arg(orDash(after.name), when(after), toKey(after.verdict));
    out += QLatin1Char('\n');
    if (unchanged)
        out += tr("Nothing changed but the timings.\n");
    return out;
}

QString changeLines(const QList<FieldChange>& changes, QString (*label)(const QString& field))
{
    QString out;
    for (const FieldChange& f : changes)
        out += QStringLiteral("%1: %2 -> %3\n").arg(label(f.field), orDash(f.before), orDash(f.after));
    return out;
}

QString setLines(const QString& label, const SetChange& set)
{
    QString out;
    for (const QString& s : set.added)
        out += QStringLiteral("%1: + %2\n").arg(label, TerminalText::escaped(s));
    for (const QString& s : set.removed)
        out += QStringLiteral("%1: - %2\n").arg(label, TerminalText::escaped(s));
    return out;
}

} // namespace comparison
