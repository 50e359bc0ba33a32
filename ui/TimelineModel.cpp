#include "TimelineModel.h"

#include "run/TerminalText.h"
#include "UiStyle.h"

#include <QApplication>
#include <QFont>
#include <QPalette>

TimelineModel::TimelineModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    // The running step's duration counts up while the user watches.
    m_tick.setInterval(100);
    connect(&m_tick, &QTimer::timeout, this, &TimelineModel::onTick);
}

void TimelineModel::setRun(const Run* run, const QList<StepId>& planned)
{
    beginResetModel();
    m_run = run;
    m_planned = planned;
    m_rows = run ? int(std::max(run->steps.size(), planned.size())) : 0;
    m_running = -1;
    m_pausedRow = -1;
    m_tick.stop();
    if (run) {
        for (int i = 0; i < run->steps.size(); ++i) {
            if (run->steps.at(i).status == StepStatus::Running)
                m_running = i;
        }
    }
    endResetModel();
}

int TimelineModel::rowForStep(StepId id) const
{
    if (!m_run)
        return -1;
    for (int i = int(m_run->steps.size()) - 1; i >= 0; --i) {
        if (m_run->steps.at(i).id == id)
            return i;
    }
    return -1;
}

int TimelineModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : m_rows; }

int TimelineModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant TimelineModel::data(const QModelIndex& index, int role) const
{
    if (!m_run || !index.isValid() || index.row() >= m_rows)
        return {};
    const int row = index.row();
    const bool started = row < m_run->steps.size();
    const StepId id = started ? m_run->steps.at(row).id : m_planned.value(row);
    const StepStatus status = started ? m_run->steps.at(row).status : StepStatus::Pending;
    const bool pausedHere = row == m_pausedRow;
    const QPalette palette = QApplication::palette();

    switch (role) {
    case StatusRole:
        return int(status);
    case StepIndexRole:
        return started ? row : -1;
    case StepIdRole:
        return int(id);
    case PausedBeforeRole:
        return pausedHere;
    case Qt::AccessibleTextRole:
        if (index.column() == StepColumn)
            return tr("%1: %2").arg(UiStyle::stepTitle(id, m_run->target.protocol),
                                    UiStyle::statusText(status));
        break;
    default:
        break;
    }

    switch (index.column()) {
    case StepColumn:
        switch (role) {
        case Qt::DisplayRole:
            return UiStyle::stepTitle(id, m_run->target.protocol);
        case Qt::DecorationRole:
            return pausedHere ? UiStyle::pausedIcon() : UiStyle::statusIcon(status);
        case Qt::ToolTipRole:
            return tr("%1 (%2) — %3")
                .arg(UiStyle::stepTitle(id, m_run->target.protocol), toKey(id),
                     pausedHere ? tr("paused before this step") : UiStyle::statusText(status));
        default:
            break;
        }
        break;
    case DurationColumn:
        if (role == Qt::DisplayRole) {
            if (status == StepStatus::Running)
                return UiStyle::duration(m_runningClock.isValid() ? m_runningClock.elapsed() : 0);
            if (!started || status == StepStatus::Skipped)
                return QString();
            return UiStyle::duration(m_run->steps.at(row).durationMs);
        }
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SummaryColumn:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
            if (pausedHere)
                return tr("Paused before this step: press Next step (F10) to run it");
            if (status == StepStatus::Running)
                return UiStyle::stepPlan(id, m_run->target.protocol) + QStringLiteral("…");
            if (!started)
                return UiStyle::stepPlan(id, m_run->target.protocol);
            return TerminalText::escaped(m_run->steps.at(row).summary);
        }
        break;
    default:
        break;
    }

    if (role == Qt::ForegroundRole) {
        if (pausedHere || status == StepStatus::Running)
            return UiStyle::accent(palette);
        if (status == StepStatus::Pending || status == StepStatus::Skipped)
            return UiStyle::muted(palette);
        if (index.column() == SummaryColumn && status == StepStatus::Failed)
            return UiStyle::danger(palette);
        if (index.column() == DurationColumn)
            return UiStyle::muted(palette);
    }
    if (role == Qt::FontRole) {
        QFont font;
        if (status == StepStatus::Running || pausedHere)
            font.setBold(true);
        if (status == StepStatus::Pending && !pausedHere && index.column() == SummaryColumn)
            font.setItalic(true);
        return font;
    }
    if (role == Qt::BackgroundRole) {
        if (status == StepStatus::Running || pausedHere)
            return UiStyle::tint(UiStyle::accent(palette), palette, 0.14);
        if (status == StepStatus::Failed)
            return UiStyle::tint(UiStyle::danger(palette), palette, 0.08);
    }
    return {};
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StepColumn:
        return tr("Step");
    case DurationColumn:
        return tr("Time");
    case SummaryColumn:
        return tr("What happened");
    default:
        return {};
    }
}

void TimelineModel::refreshRow(int row)
{
    if (row >= 0 && row < m_rows)
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void TimelineModel::onStepStarted(int index)
{
    if (!m_run)
        return;
    const int oldPaused = std::exchange(m_pausedRow, -1);
    refreshRow(oldPaused);
    if (index >= m_rows) {
        beginInsertRows({}, m_rows, index);
        m_rows = index + 1;
        endInsertRows();
    }
    // A record may differ from the plan (steps decided away): trust the record.
    if (index < m_planned.size() && m_run->steps.at(index).id != m_planned.at(index))
        m_planned[index] = m_run->steps.at(index).id;
    m_running = index;
    m_runningClock.start();
    m_tick.start();
    refreshRow(index);
}

void TimelineModel::onStepFinished(int index)
{
    if (index == m_running) {
        m_running = -1;
        m_tick.stop();
    }
    refreshRow(index);
}

void TimelineModel::onPaused(StepId next)
{
    Q_UNUSED(next)
    if (!m_run)
        return;
    m_pausedRow = int(m_run->steps.size());
    refreshRow(m_pausedRow);
}

void TimelineModel::onFinished()
{
    m_tick.stop();
    m_running = -1;
    const int oldPaused = std::exchange(m_pausedRow, -1);
    refreshRow(oldPaused);
    if (!m_run)
        return;
    // Planned rows that never ran (the run ended early) stay as pending rows; nothing to add.
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1));
}

void TimelineModel::onTick()
{
    if (m_running >= 0)
        Q_EMIT dataChanged(index(m_running, DurationColumn), index(m_running, DurationColumn));
}
