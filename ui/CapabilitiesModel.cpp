#include "CapabilitiesModel.h"

#include "run/TerminalText.h"
#include "UiStyle.h"

#include <QApplication>

namespace {

/// Keyword -> parameters, in the server's order.
QList<std::pair<QString, QString>> byKeyword(const QStringList& caps)
{
    QList<std::pair<QString, QString>> list;
    for (const QString& cap : caps)
        list.append(
            {cap.section(QLatin1Char(' '), 0, 0).toUpper(), cap.section(QLatin1Char(' '), 1).trimmed()});
    return list;
}

std::optional<QString> lookup(const QList<std::pair<QString, QString>>& list, const QString& key)
{
    for (const auto& [k, v] : list) {
        if (k == key)
            return v;
    }
    return std::nullopt;
}

} // namespace

CapabilitiesModel::CapabilitiesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void CapabilitiesModel::setRun(const Run* run)
{
    m_run = run;
    onCapabilitiesChanged();
}

void CapabilitiesModel::onCapabilitiesChanged()
{
    beginResetModel();
    m_rows.clear();
    m_tlsRead = m_run && !m_run->capabilitiesTls.isEmpty();
    if (m_run) {
        const auto plain = byKeyword(m_run->capabilitiesPlain);
        const auto tls = byKeyword(m_run->capabilitiesTls);
        QStringList names;
        for (const auto& entry : plain + tls) {
            if (!names.contains(entry.first))
                names.append(entry.first);
        }
        for (const QString& name : std::as_const(names)) {
            Row row;
            row.name = name;
            row.plain = lookup(plain, name);
            row.tls = lookup(tls, name);
            if (!m_tlsRead)
                row.change = Change::Same;
            else if (row.plain && !row.tls)
                row.change = Change::OnlyPlain;
            else if (!row.plain && row.tls)
                row.change = Change::OnlyTls;
            else
                row.change = *row.plain == *row.tls ? Change::Same : Change::Changed;
            m_rows.append(row);
        }
    }
    endResetModel();
}

int CapabilitiesModel::differenceCount() const
{
    return int(
        std::count_if(m_rows.cbegin(), m_rows.cend(), [](const Row& r) { return r.change != Change::Same; }));
}

int CapabilitiesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CapabilitiesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CapabilitiesModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row& r = m_rows.at(index.row());
    const QPalette palette = QApplication::palette();
    const auto cell = [&](const std::optional<QString>& v, bool read) -> QString {
        if (!read)
            return tr("not read");
        if (!v)
            return QStringLiteral("—");
        return v->isEmpty() ? tr("yes") : TerminalText::escaped(*v);
    };
    if (role == ChangeRole)
        return int(r.change);
    switch (index.column()) {
    case NameColumn:
        if (role == Qt::DisplayRole)
            return TerminalText::escaped(r.name);
        if (role == Qt::FontRole) {
            QFont font = UiStyle::monospaceFont();
            font.setBold(true);
            return font;
        }
        break;
    case PlainColumn:
        if (role == Qt::DisplayRole)
            return cell(r.plain, !m_run->capabilitiesPlain.isEmpty());
        if (role == Qt::FontRole)
            return UiStyle::monospaceFont();
        if (role == Qt::ForegroundRole && !r.plain)
            return UiStyle::muted(palette);
        break;
    case TlsColumn:
        if (role == Qt::DisplayRole)
            return cell(r.tls, m_tlsRead);
        if (role == Qt::FontRole)
            return UiStyle::monospaceFont();
        if (role == Qt::ForegroundRole && (!r.tls || !m_tlsRead))
            return UiStyle::muted(palette);
        break;
    case ChangeColumn:
        if (role == Qt::DisplayRole) {
            switch (r.change) {
            case Change::Same:
                return m_tlsRead ? tr("same") : QString();
            case Change::OnlyPlain:
                return tr("only before");
            case Change::OnlyTls:
                return tr("only after");
            case Change::Changed:
                return tr("changed");
            }
        }
        if (role == Qt::ForegroundRole)
            return r.change == Change::Same ? UiStyle::muted(palette) : UiStyle::warning(palette);
        if (role == Qt::DecorationRole && r.change != Change::Same)
            return UiStyle::severityIcon(Severity::Info);
        break;
    default:
        break;
    }
    if (role == Qt::BackgroundRole && r.change != Change::Same)
        return UiStyle::tint(UiStyle::warning(palette), palette, 0.10);
    return {};
}

QVariant CapabilitiesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Capability");
    case PlainColumn:
        return tr("Before TLS");
    case TlsColumn:
        return tr("After TLS");
    case ChangeColumn:
        return tr("Difference");
    default:
        return {};
    }
}
