#include "FindingsModel.h"

#include "run/TerminalText.h"
#include "UiStyle.h"

#include <QFont>

FindingsModel::FindingsModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

void FindingsModel::setRun(const Run* run)
{
    beginResetModel();
    m_run = run;
    m_order.clear();
    endResetModel();
    if (run) {
        for (int i = 0; i < run->findings.size(); ++i)
            onFindingAdded(i);
    }
}

int FindingsModel::insertionRow(Severity severity) const
{
    // Critical before warning before info; stable within a severity.
    int row = 0;
    while (row < m_order.size() && int(m_run->findings.at(m_order.at(row)).severity) >= int(severity))
        ++row;
    return row;
}

void FindingsModel::onFindingAdded(int index)
{
    if (!m_run || index < 0 || index >= m_run->findings.size() || m_order.contains(index))
        return;
    const int row = insertionRow(m_run->findings.at(index).severity);
    beginInsertRows({}, row, row);
    m_order.insert(row, index);
    endInsertRows();
}

const Finding* FindingsModel::finding(int row) const
{
    if (!m_run || row < 0 || row >= m_order.size())
        return nullptr;
    return &m_run->findings.at(m_order.at(row));
}

int FindingsModel::count(Severity severity) const
{
    int n = 0;
    for (int i : m_order)
        n += m_run->findings.at(i).severity == severity ? 1 : 0;
    return n;
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_order.size());
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    const Finding* f = finding(index.row());
    if (!f)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return TerminalText::escaped(f->title);
    case Qt::DecorationRole:
        return UiStyle::severityIcon(f->severity);
    case Qt::ToolTipRole:
        return TerminalText::escaped(f->detail.isEmpty() ? f->explanation : f->detail);
    case Qt::AccessibleTextRole:
        return tr("%1: %2").arg(UiStyle::severityText(f->severity), TerminalText::escaped(f->title));
    case Qt::FontRole:
        if (f->severity == Severity::Critical) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case SeverityRole:
        return int(f->severity);
    case IdRole:
        return f->id;
    case StepIdRole:
        return f->step ? int(*f->step) : -1;
    case FindingIndexRole:
        return m_order.at(index.row());
    default:
        return {};
    }
}
