#pragma once

#include "run/Run.h"

#include <optional>
#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QTimer>

/**
 * One row per step of a Run. Steps the engine has not reached yet (plannedSteps()) appear as
 * pending rows, so the user sees the whole conversation ahead; the running row shows a live
 * duration. Reads the Run; never changes it.
 */
class TimelineModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        StepColumn,
        DurationColumn,
        SummaryColumn,
        ColumnCount
    };
    enum Role
    {
        StatusRole = Qt::UserRole + 1, ///< StepStatus as int
        StepIndexRole, ///< index into Run::steps, -1 for a step not started yet
        StepIdRole, ///< StepId as int
        PausedBeforeRole, ///< true on the row the engine is paused before
    };

    explicit TimelineModel(QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(TimelineModel)

    /// Shows `run` (which must outlive the model or the next setRun call).
    void setRun(const Run* run, const QList<StepId>& planned);
    /// The row of the latest record of `id`, or -1.
    int rowForStep(StepId id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void onStepStarted(int index);
    void onStepFinished(int index);
    void onPaused(StepId next);
    void onFinished();

private:
    void onTick();
    void refreshRow(int row);

    const Run* m_run = nullptr;
    QList<StepId> m_planned;
    int m_rows = 0;
    int m_running = -1;
    int m_pausedRow = -1;
    QElapsedTimer m_runningClock;
    QTimer m_tick;
};
