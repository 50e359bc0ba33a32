#pragma once

#include "run/Types.h"

#include <QMainWindow>

class CapabilitiesPanel;
class CertificatePanel;
class FindingsPanel;
class QAction;
class QComboBox;
class QLabel;
class QSplitter;
class QTabWidget;
class RunController;
class RunDeadlineControl;
class RunSummaryBar;
class ServerBar;
class TimelineModel;
class TimelineView;
class TlsPanel;
class TranscriptModel;
class TranscriptView;

/**
 * The Mailscope window: assembles the panes around a RunController, owns the actions, menus
 * and toolbar, and remembers geometry and splitter positions. Panes observe the run; the window
 * only routes selections between them (a finding selects its step, a step highlights its lines).
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    enum class DetailTab
    {
        Findings,
        Tls,
        Certificates,
        Capabilities
    };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;
    Q_DISABLE_COPY_MOVE(MainWindow)

    RunController* controller() const { return m_controller; }
    ServerBar* serverBar() const { return m_serverBar; }
    RunSummaryBar* summaryBar() const { return m_summary; }
    TimelineModel* timelineModel() const { return m_timelineModel; }
    TimelineView* timelineView() const { return m_timeline; }
    TranscriptModel* transcriptModel() const { return m_transcriptModel; }
    TranscriptView* transcriptView() const { return m_transcript; }
    // The detail panes are made when their tab is first shown (or asked for here), so that the
    // window opens without building panes nobody looks at.
    FindingsPanel* findingsPanel();
    TlsPanel* tlsPanel();
    CertificatePanel* certificatePanel();
    CapabilitiesPanel* capabilitiesPanel();
    QAction* runAction() const { return m_runAction; }
    QAction* stopAction() const { return m_stopAction; }
    QAction* stepModeAction() const { return m_stepModeAction; }
    QAction* nextStepAction() const { return m_nextAction; }
    QAction* auditTlsAction() const { return m_auditAction; }
    QComboBox* stopAfterCombo() const { return m_stopAfterCombo; }
    RunDeadlineControl* deadlineControl() const { return m_deadline; }

    void showDetailTab(DetailTab tab);
    /// Default pane sizes for a given window size (also used before restoring saved state).
    void applyDefaultSizes();

public Q_SLOTS:
    void startRun();

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void createDetailTabs();
    /// The pane of `tab`, made (and brought up to date with the current run) on first use.
    QWidget* ensurePane(DetailTab tab);
    QWidget* paneIfMade(DetailTab tab) const;
    void createActions();
    void createMenus();
    void createToolBar();
    void wireController();
    void restoreSettings();
    void saveSettings() const;

    void onRunStarted();
    void onStepStarted(int index);
    void onPaused(StepId next);
    void onFinished();
    void onFindingAdded();
    void onStateChanged();
    void onChoiceChanged();
    void onFindingStepRequested(StepId step);
    void onStopAfterChanged(int index);
    void updateFindingsTab();
    void saveReport();
    void saveTranscript();
    void showAbout();
    QString choiceText() const;

    RunController* m_controller = nullptr;
    TimelineModel* m_timelineModel = nullptr;
    TranscriptModel* m_transcriptModel = nullptr;

    ServerBar* m_serverBar = nullptr;
    RunSummaryBar* m_summary = nullptr;
    TimelineView* m_timeline = nullptr;
    TranscriptView* m_transcript = nullptr;
    QTabWidget* m_detailTabs = nullptr;
    /// The tab pages, in DetailTab order; each holds its pane once made.
    QList<QWidget*> m_detailPages;
    FindingsPanel* m_findings = nullptr;
    TlsPanel* m_tls = nullptr;
    CertificatePanel* m_certificates = nullptr;
    CapabilitiesPanel* m_capabilities = nullptr;
    QSplitter* m_sideSplitter = nullptr;
    QSplitter* m_vertSplitter = nullptr;
    QSplitter* m_bottomSplitter = nullptr;
    QLabel* m_statusLabel = nullptr;
    QComboBox* m_stopAfterCombo = nullptr;
    RunDeadlineControl* m_deadline = nullptr;

    QAction* m_runAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_stepModeAction = nullptr;
    QAction* m_nextAction = nullptr;
    QAction* m_auditAction = nullptr;
    QAction* m_findAction = nullptr;
    QAction* m_copyAction = nullptr;
    QAction* m_saveReportAction = nullptr;
    QAction* m_saveTranscriptAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QList<QAction*> m_focusActions;
    int m_auditDone = 0;
    int m_auditTotal = 0;
    bool m_restoredSizes = false;
    bool m_shown = false;
};
