#pragma once

#include "run/Run.h"

#include <optional>
#include <QWidget>

class FindingsModel;
class QListView;
class QTextBrowser;

/**
 * The findings of a run: a list (severity icon and title, most severe first) and, for the
 * selected one, the plain-language explanation, what to do, the evidence and the reference.
 * Selecting a finding asks the window to select the step that produced it.
 */
class FindingsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit FindingsPanel(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(FindingsPanel)

    void setRun(const Run* run);
    FindingsModel* model() const { return m_model; }
    QListView* list() const { return m_list; }
    QString detailText() const;
    void selectRow(int row);

public Q_SLOTS:
    void onFindingAdded(int index);
    void onFinished();

Q_SIGNALS:
    void stepRequested(StepId step);

private:
    void showDetails();

    FindingsModel* m_model = nullptr;
    QListView* m_list = nullptr;
    QTextBrowser* m_details = nullptr;
    const Run* m_run = nullptr;
    bool m_finished = false;
};
