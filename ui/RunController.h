#pragma once

#include "check/CheckRunner.h"
#include "run/Run.h"
#include "ServerChoice.h"
#include "session/ProbeOptions.h"

#include <memory>
#include <optional>
#include <QObject>
#include <QPointer>

class DemoServer;
class ProbeSession;
class TlsAudit;

/**
 * Owns the CheckRunner of the current run (and keeps the last one after it finished, so the
 * views go on showing it), plus the built-in DemoServer for the demo profile. It translates a
 * ServerChoice into ProbeOptions and forwards the runner's signals; it makes no protocol
 * decision of its own.
 */
class RunController final : public QObject
{
    Q_OBJECT

public:
    explicit RunController(QObject* parent = nullptr);
    ~RunController() override;
    Q_DISABLE_COPY_MOVE(RunController)

    /// Starts a run; a run in progress is cancelled first. False (with errorOccurred) when the
    /// demo server cannot listen or the choice is incomplete.
    bool start(const ServerChoice& choice);
    /// Runs the finished run again with the settings it suggested (Run::suggestion: the port
    /// expects implicit TLS, another protocol answered): same host, port and trust, corrected
    /// protocol and TLS mode. False when there is nothing to suggest.
    bool startSuggested();
    /// The current run (an empty Run before the first one).
    const Run& run() const;
    /// Planned steps of the current run (empty before the first one).
    QList<StepId> plannedSteps() const;
    ProbeSession* session() const;
    bool isRunning() const;
    bool isPaused() const;
    std::optional<StepId> pausedBefore() const { return m_pausedBefore; }

    bool stepMode() const { return m_stepMode; }
    /// Whether a run includes the TLS audit (version matrix, ciphers, injection and OCSP probes).
    bool auditTls() const { return m_auditTls; }
    /// The audit of the current run, if it has one.
    TlsAudit* audit() const;
    std::optional<StepId> stopAfter() const { return m_stopAfter; }
    /// The run deadline of the next run (CheckOptions::deadlineMs).
    int deadlineMs() const { return m_deadlineMs; }
    /// The demo server, started on first use (null before).
    DemoServer* demoServer() const { return m_demo.get(); }

    /// Options a choice turns into (exposed for tests and the status line).
    ProbeOptions optionsFor(const ServerChoice& choice);
    /// Before the first run: shows the steps a run to `choice` would take (as pending rows).
    void preview(const ServerChoice& choice);
    bool hasRun() const { return m_runner != nullptr || m_saved != nullptr; }

    /// Shows a finished run read back from a report (history, all-ports view) in the window's
    /// panes, read-only: a run in progress is cancelled; the next start() replaces it.
    void showSavedRun(const Run& run);
    /// True while a saved run (not one this controller ran) is shown.
    bool isShowingSavedRun() const { return m_saved != nullptr; }
    /// The choice the current run was started from (its history key comes from it).
    const ServerChoice& lastChoice() const { return m_lastChoice; }
    /// The next start() also sends this test message (the send pane); used once.
    void setNextSend(std::optional<SendOptions> send) { m_nextSend = std::move(send); }
    /// Starts the demo server if it is not listening yet; false (with errorOccurred) if it cannot.
    bool ensureDemo();

public Q_SLOTS:
    void stop();
    void next();
    void setStepMode(bool enabled);
    void setStopAfter(std::optional<StepId> step);
    void setAuditTls(bool enabled);
    void setDeadlineMs(int milliseconds);

Q_SIGNALS:
    /// A new run replaced the previous one: models reset over run().
    void runStarted();
    void stepStarted(int index);
    void stepFinished(int index);
    void transcriptAppended(int index);
    void findingAdded(int index);
    void tlsChanged();
    void capabilitiesChanged();
    void paused(StepId next);
    void finished();
    /// Running, paused or finished changed.
    void stateChanged();
    void errorOccurred(const QString& message);
    /// The TLS audit's progress: probes done of probes started.
    void auditProgress(int done, int total);
    void messageProgress(qint64 sent, qint64 total);

private:
    bool launch(const ProbeOptions& options);
    /// A saved (or quick-connect) profile's options with the password of this run; `error` says
    /// why its trust settings cannot be used (an unreadable CA file).
    ProbeOptions profileOptions(const ServerChoice& choice, QString* error);
    void onPaused(StepId next);
    void onSessionFinished();
    /// Both the conversation and the audit are over: rebind the views, report finished.
    void onFinished();

    std::unique_ptr<DemoServer> m_demo;
    std::optional<SendOptions> m_nextSend;
    std::unique_ptr<CheckRunner> m_runner;
    std::unique_ptr<Run> m_saved;
    ServerChoice m_lastChoice;
    Run m_previewRun;
    QList<StepId> m_previewPlan;
    bool m_stepMode = false;
    bool m_auditTls = false;
    int m_deadlineMs = CheckOptions::DefaultDeadlineMs;
    std::optional<StepId> m_stopAfter;
    std::optional<StepId> m_pausedBefore;
};
