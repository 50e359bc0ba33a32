#pragma once

#include "auth/SaslMechanism.h"
#include "MessageTransaction.h"
#include "net/LineTransport.h"
#include "PortSniffer.h"
#include "ProbeOptions.h"
#include "protocol/Dialect.h"
#include "run/Run.h"
#include "RunRecorder.h"

#include <memory>
#include <QHash>
#include <QHostAddress>
#include <QHostInfo>
#include <QObject>
#include <QTimer>

/**
 * The step engine: drives one conversation with a mail server over a LineTransport and records
 * everything as a Run. One instance, one run. All work is asynchronous on the caller's event
 * loop; every step has a timeout, and the run can be cancelled at any time.
 *
 * Steps (ARCHITECTURE.md) and their order per TLS mode:
 *   starttls : resolve connect banner greeting starttls tls-handshake greeting-tls [auth] quit
 *   implicit : resolve connect tls-handshake banner greeting [auth] quit
 *   none     : resolve connect banner greeting [auth] quit
 * `auth` is planned only when a user is given. A failed step skips what follows; QUIT (LOGOUT)
 * is still sent where the connection can carry it.
 *
 * The protocol (SMTP, IMAP, POP3) is a Dialect; this class knows none of their syntax.
 *
 * Credentials (RFC 8314 s.3): under `enforce` they are sent only over TLS with a trusted
 * certificate; under `opportunistic` also in plaintext, flagged credentials-sent-in-plaintext.
 * Client lines that carry them are recorded as "[redacted]" unless showSecrets.
 *
 * Security rules (RFC 3207 s.4): after a positive STARTTLS reply every byte already received is
 * recorded as discarded and flagged, never parsed; capabilities learned before TLS are replaced;
 * nothing is written after the handshake until the trust decision is made.
 */
class ProbeSession final : public QObject
{
    Q_OBJECT

public:
    /// `transport` may be null: a real SslLineTransport is used then.
    explicit ProbeSession(ProbeOptions options, std::unique_ptr<LineTransport> transport = {},
                          QObject* parent = nullptr);
    ~ProbeSession() override;
    Q_DISABLE_COPY_MOVE(ProbeSession)

    const Run& run() const { return m_run; }
    const ProbeOptions& options() const { return m_options; }
    /// The steps this run will go through if nothing fails, in order.
    QList<StepId> plannedSteps() const { return m_plan; }
    /// The steps a run with `options` goes through if nothing fails, in order.
    static QList<StepId> planFor(const ProbeOptions& options);
    bool isRunning() const { return m_started && !m_finished; }
    bool isFinished() const { return m_finished; }
    bool isPaused() const { return m_paused; }

    /// Pause before each step until resume() (a debugger's "step").
    void setStepMode(bool enabled);
    bool stepMode() const { return m_stepMode; }

public Q_SLOTS:
    void start();
    /// Runs the next step when paused in step mode.
    void resume();
    /// Stops at once: the running step fails as cancelled and the connection is closed.
    void cancel();
    /// Stops at once as cancel() does, for a reason of the caller's (CheckRunner's run deadline):
    /// `finding` explains it, the running step fails with `summary`, and every step not run yet is
    /// recorded as skipped with `skipReason`. The run is marked aborted (a partial run).
    void interrupt(Finding finding, const QString& summary, const QString& skipReason);

Q_SIGNALS:
    void stepStarted(int index);
    void stepFinished(int index);
    void transcriptAppended(int index);
    void findingAdded(int index);
    /// TLS facts or certificates changed.
    void tlsChanged();
    void capabilitiesChanged();
    /// Waiting for resume() before running `next`.
    void paused(StepId next);
    /// The message is on its way: `sent` of its `total` bytes were handed to the connection (at
    /// most a few chunks ahead of the network). Monotonic; the last one has sent == total.
    void messageProgress(qint64 sent, qint64 total);
    void finished();

private:
    enum class Wait
    {
        Nothing,
        Lookup,
        Connect,
        Reply,
        Handshake,
        Sniff, ///< the banner did not come: PortSniffer asks whether the port expects TLS at once
        Close
    };

    void scheduleAdvance();
    void advance();
    void recordSkipped(StepId id, const QString& reason);
    void beginStep(StepId id);
    void runStep(StepId id);
    void completeStep(StepStatus status, const QString& summary);
    /// Fails the current step and skips the rest; QUIT is sent when `canQuit`.
    void failStep(const QString& summary, bool canQuit);
    void skipRemaining(const QString& reason, bool keepQuit);
    void finish();

    void doResolve();
    void onLookedUp(const QHostInfo& info);
    void doConnect();
    void connectNext();
    /// Sends `bytes`; the transcript shows `redacted` instead unless showSecrets (null: the bytes).
    void sendCommand(const QByteArray& bytes, Dialect::Expect expect, const QByteArray& redacted = {});
    void startHandshake();

    void onConnected();
    void onLinesAvailable();
    void onEncrypted();
    void onTransportError(LineTransport::Error error, const QString& message);
    void onDisconnected();
    void onStepTimeout();

    void handleReply(const Reply& reply);
    void handleBanner(const Reply& reply);
    void handleGreeting(const Reply& reply);
    void handleStartTls(const Reply& reply);
    void handleQuit(const Reply& reply);
    void handleAuth(const Reply& reply);
    void doAuth();
    void authSucceeded();
    void authFailed(const Reply& reply);
    void noteAlerts(const Reply& reply);
    void handleStartTlsNotOffered();
    void continueWithoutTls(const QString& summary);
    /// Takes every unread byte as discarded (collected, recorded by reportDiscardedBytes()); true
    /// when there was any.
    bool discardInjectedBytes();
    /// Records the discarded bytes as one entry and flags them (before the handshake starts).
    void reportDiscardedBytes();

    // ---- matching replies to commands (ProbeSessionReplies.cpp) ----
    /// True between steps when the next step begins with a command (the client's turn).
    bool clientSpeaksNext() const;
    /// On the client's turn: true when the server already sent something it may not send unasked;
    /// it is recorded as evidence and the connection closed.
    bool takeUnaskedData();
    /// Unasked data arrived between steps: run the next step now, which fails.
    void continueOutOfStep();
    /// Fails the running step when the server spoke out of turn; true when it did.
    bool failIfOutOfStep();
    void decideTrust();
    void dropConnection();

    // ---- the right hint (ProbeSessionHint.cpp) ----
    /// At the banner: the first bytes belong to another protocol (or are TLS records)? Then the
    /// step fails with wrong-protocol or implicit-tls-expected and a suggestion; returns true.
    bool diagnoseForeignGreeting(const QByteArray& firstBytes);
    /// At the banner, when no line will come (closed): bytes without a line ending identified.
    bool diagnosePartialGreeting();
    /// At a banner timeout: identifies partial bytes, or starts the TLS sniff; true when handled.
    bool diagnoseSilentBanner();
    /// An implicit-TLS handshake failed at the start: asks whether the port greets in plaintext.
    bool diagnoseFailedImplicitHandshake(const QString& error);
    void startSniffer(PortSniffer::Question question);
    void onSniffed();
    void concludePlaintextSniff(const PortSniffer::Result& result);
    void suggest(Protocol protocol, TlsMode tls);
    int sniffBoundMs() const;

    // ---- the message transaction (ProbeSessionMessage.cpp) ----
    /// mail-from, one rcpt-to per recipient, data: the steps a send adds to the plan.
    static QList<StepId> messageSteps(const ProbeOptions& options);
    void runMessageStep(StepId id);
    void handleMessageReply(const Reply& reply);
    void doMailFrom();
    void handleMailFrom(const Reply& reply);
    void handleRcptTo(const Reply& reply);
    void doData();
    void handleData(const Reply& reply);
    /// The reply to a command already sent in the pipelined envelope (RFC 2920 s.3.1).
    void awaitPipelinedReply();
    /// After 354 (or as BDAT): the message; the transcript gets its headers and a summary.
    void sendMessagePayload(bool empty);
    /// Writes the next payload chunks while the transport holds less than PayloadHighWater unsent
    /// bytes; called again each time written bytes leave (writeProgressed).
    void pumpMessagePayload();
    static constexpr qint64 PayloadHighWater = 4 * MessageTransaction::PayloadChunkBytes;
    /// The finding for a connection that ended (or went silent) while waiting for a reply:
    /// `usual` (server-closed-early, server-timeout), or delivery-unknown once the message was sent.
    Finding lostConnectionFinding(QLatin1String usual, const QString& detail) const;

    // Recording is RunRecorder's job; these keep the call sites short.
    static QString clipped(const QByteArray& bytes) { return RunRecorder::clipped(bytes); }
    void note(const QString& text) { m_recorder.note(text); }
    void recordLine(char dir, const QString& text) { m_recorder.recordLine(dir, text); }
    void addFinding(Finding finding) { m_recorder.addFinding(std::move(finding)); }
    static bool needsConnection(StepId id);
    bool underTls() const;
    bool stopsAfter(StepId id) const;
    qint64 now() const { return m_recorder.now(); }

    ProbeOptions m_options;
    std::unique_ptr<LineTransport> m_transport;
    std::unique_ptr<Dialect> m_dialect;
    Run m_run;
    RunRecorder m_recorder {m_run, *m_transport};
    QList<StepId> m_plan;
    int m_planIndex = -1;
    int m_current = -1; ///< index into m_run.steps of the running step
    Wait m_wait = Wait::Nothing;
    QTimer m_stepTimer;
    int m_lookupId = -1;
    QList<QHostAddress> m_addresses;
    int m_addressIndex = -1;
    std::optional<LineTransport::Error> m_lastConnectError;
    QString m_lastConnectMessage;
    QHash<StepId, QString> m_skipReasons;
    int m_capabilityAttempt = 0;
    QStringList m_activeCapabilities;
    QString m_lastCommand; ///< the last command as the transcript shows it
    QString m_outOfStep; ///< evidence of unasked data, until the step it fails has run
    bool m_started = false;
    bool m_finished = false;
    bool m_stepMode = false;
    bool m_paused = false;
    bool m_connected = false;
    bool m_quitSent = false;
    bool m_advanceQueued = false;
    /// IMAP PREAUTH greeting: logged in already, STARTTLS impossible (RFC 9051 s.6.2.1).
    bool m_preauthenticated = false;
    bool m_bannerListedCapabilities = false;
    bool m_bannerLineSeen = false;
    std::unique_ptr<PortSniffer> m_sniffer;
    QString m_handshakeError;

    // ---- the auth step ----
    std::unique_ptr<SaslMechanism> m_sasl; ///< the SASL exchange in progress
    QList<Dialect::Command> m_loginCommands; ///< or the protocol's own login (IMAP LOGIN, USER/PASS)
    int m_loginIndex = 0;
    int m_authRounds = 0;
    QString m_authMethod; ///< "PLAIN", "LOGIN command", ... for summaries
    bool m_authCancelling = false;
    QString m_authProblem;

    // ---- the message transaction ----
    std::unique_ptr<MessageTransaction> m_mail;
    int m_pipelinePending = 0; ///< replies still due for the pipelined envelope
    int m_rcptIndex = 0;
    int m_rcptAccepted = 0;
    bool m_senderAccepted = false;
    bool m_dataCommandAnswered = false; ///< 354 came: the next reply is the final one
    bool m_messageSent = false; ///< the message went out; a lost connection leaves delivery unknown
    bool m_streaming = false; ///< payload chunks are still to be written
    qint64 m_payloadSent = 0; ///< message bytes handed to the transport
};
