#pragma once

#include "net/LineTransport.h"
#include "run/Run.h"
#include "session/ProbeOptions.h"

#include <memory>
#include <optional>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

class ProbeSession;
class TlsAudit;

/// What one check is asked to do.
struct CheckOptions
{
    /// 120 s: a full audit of a normal server takes seconds, a few dozen on a slow network or
    /// behind a greeting delay; a tarpit that waits seconds before every reply takes minutes.
    static constexpr int DefaultDeadlineMs = 120000;

    /// The conversation's options; `probe.audit` switches on the TLS audit beside it.
    ProbeOptions probe;
    /// The whole run (conversation and audit together) ends after this many ms; 0: no deadline.
    int deadlineMs = DefaultDeadlineMs;
};

/**
 * One check: the ProbeSession (the conversation) and, when ProbeOptions::audit asks for it, the
 * TlsAudit run side by side, so the whole costs about the longer of the two rather than their
 * sum; the result is one Run. Every front end (the CLI's `check`, the GUI's RunController, the
 * tests) runs a check through this class instead of merging the two itself.
 *
 * While it runs, run() is the session's growing Run and the session's signals are forwarded.
 * When both parts are over, the audit is merged into a copy of that run (hasMergedRun()), run()
 * returns the copy, and finished() is emitted once.
 *
 * A run the user stops (cancel()) is merged only when the conversation itself had ended on its
 * own: a cancelled conversation says nothing about the server, and the audit adds nothing to it.
 *
 * The run deadline (CheckOptions::deadlineMs, a precise timer: the report states the limit)
 * bounds the whole run, however slowly a server answers. When it is reached, the conversation
 * and the audit stop at once: the running step fails with "Run deadline of N s reached", the
 * steps not run are skipped, what the audit had found is merged and what it had not finished is
 * listed (TlsAuditInfo::unfinished), and the finding run-deadline-reached says what was and was
 * not done. The run is marked aborted: its verdict is UNKNOWN unless something critical had been
 * found already. While step mode holds the conversation paused, the deadline clock stops (the
 * user, not the server, is taking the time).
 */
class CheckRunner final : public QObject
{
    Q_OBJECT

public:
    /// `transport` is the session's (tests pass a fake one); null: a real SslLineTransport.
    explicit CheckRunner(CheckOptions options, std::unique_ptr<LineTransport> transport = {},
                         QObject* parent = nullptr);
    ~CheckRunner() override;
    Q_DISABLE_COPY_MOVE(CheckRunner)

    const CheckOptions& options() const { return m_options; }
    /// The session's run while it runs; the merged run once finished() was emitted.
    const Run& run() const;
    /// True once the audit was merged into a run of its own (views holding pointers into the
    /// session's run rebind to run()).
    bool hasMergedRun() const { return m_merged.has_value(); }
    /// The steps the conversation goes through if nothing fails, in order.
    QList<StepId> plannedSteps() const;
    ProbeSession* session() const { return m_session.get(); }
    /// The TLS audit, when the options ask for one.
    TlsAudit* audit() const { return m_audit.get(); }

    bool isStarted() const { return m_started; }
    /// Both the conversation and the audit are over.
    bool isFinished() const { return m_finished; }
    bool isRunning() const { return m_started && !m_finished; }
    /// The conversation is over (the audit may still be running).
    bool isSessionFinished() const;
    bool isPaused() const;
    void setStepMode(bool enabled);
    /// True once the run deadline stopped the run.
    bool deadlineReached() const { return m_deadlineReached; }
    /// The deadline is counting (not before start, not while step mode holds the run, not after).
    bool isDeadlineClockRunning() const { return m_deadline.isActive(); }

public Q_SLOTS:
    void start();
    /// Runs the next step when paused in step mode.
    void resume();
    /// Stops the conversation and the audit at once (the user's Stop, Ctrl+C).
    void cancel();

Q_SIGNALS:
    void stepStarted(int index);
    void stepFinished(int index);
    void transcriptAppended(int index);
    void findingAdded(int index);
    void tlsChanged();
    void capabilitiesChanged();
    /// Waiting for resume() before running `next` (step mode).
    void paused(StepId next);
    /// The conversation is over; the audit may still be running.
    void sessionFinished();
    /// The TLS audit's progress: probes done of probes started (the total grows while ciphers
    /// are read).
    void auditProgress(int done, int total);
    /// A test message is being sent: `sent` of `total` bytes (ProbeSession::messageProgress).
    void messageProgress(qint64 sent, qint64 total);
    /// Both parts are over and run() is final.
    void finished();

private:
    void onSessionFinished();
    void startAudit();
    void onAuditFinished();
    void onPaused(StepId next);
    void onDeadline();
    /// What was and was not done when the deadline struck (the finding's detail).
    QString deadlineDetail() const;
    QString deadlineText() const;
    void completeIfDone();

    CheckOptions m_options;
    std::unique_ptr<ProbeSession> m_session;
    std::unique_ptr<TlsAudit> m_audit;
    std::optional<Run> m_merged;
    QTimer m_deadline;
    QElapsedTimer m_clock;
    /// Deadline time left while step mode holds the run paused.
    int m_deadlineLeftMs = -1;
    std::optional<Finding> m_deadlineFinding;
    bool m_deadlineReached = false;
    bool m_started = false;
    bool m_finished = false;
};
