#pragma once

#include <QTableView>

class TimelineModel;

/**
 * The conversation as a list of steps with status icons, durations and one-line meanings.
 * Selecting a step announces it (the transcript highlights its lines); the running step is kept
 * in view.
 */
class TimelineView final : public QTableView
{
    Q_OBJECT

public:
    explicit TimelineView(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(TimelineView)

    void setTimelineModel(TimelineModel* model);
    /// Selects the row of Run::steps index `stepIndex` (or clears the selection for -1).
    void selectStepIndex(int stepIndex);
    int selectedStepIndex() const;

Q_SIGNALS:
    /// Run::steps index of the selected step, -1 when none (or a pending step) is selected.
    void stepSelected(int stepIndex);

private:
    void onCurrentChanged(const QModelIndex& current);
    void onDataChanged(const QModelIndex& topLeft);

    TimelineModel* m_model = nullptr;
};
