#include "ProbeSession.h"

#include "findings/FindingCatalogue.h"
#include "net/SslLineTransport.h"
#include "tls/CertificateInspector.h"
#include "tls/TrustAssessment.h"

#include <QHostInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSession, "mailscope.session", QtInfoMsg)

ProbeSession::ProbeSession(ProbeOptions options, std::unique_ptr<LineTransport> transport, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_transport(transport ? std::move(transport) : std::make_unique<SslLineTransport>())
    , m_dialect(Dialect::create(m_options.protocol, m_options.heloName.toUtf8()))
    , m_plan(planFor(m_options))
{
    m_run.secretsShown = m_options.showSecrets;
    m_run.target.host = m_options.host;
    m_run.target.port = m_options.port;
    m_run.target.protocol = m_options.protocol;
    m_run.target.tls = m_options.tls;
    m_run.target.policy = m_options.policy;

    m_stepTimer.setSingleShot(true);
    // The report states the limit ("no reply within 5 s"): a coarse timer may fire 5% early.
    m_stepTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_stepTimer, &QTimer::timeout, this, &ProbeSession::onStepTimeout);
    connect(&m_recorder, &RunRecorder::transcriptAppended, this, &ProbeSession::transcriptAppended);
    connect(&m_recorder, &RunRecorder::findingAdded, this, &ProbeSession::findingAdded);
    connect(m_transport.get(), &LineTransport::connected, this, &ProbeSession::onConnected);
    connect(m_transport.get(), &LineTransport::linesAvailable, this, &ProbeSession::onLinesAvailable);
    connect(m_transport.get(), &LineTransport::encrypted, this, &ProbeSession::onEncrypted);
    connect(m_transport.get(), &LineTransport::errorOccurred, this, &ProbeSession::onTransportError);
    connect(m_transport.get(), &LineTransport::disconnected, this, &ProbeSession::onDisconnected);
    connect(m_transport.get(), &LineTransport::writeProgressed, this, &ProbeSession::pumpMessagePayload);
}

ProbeSession::~ProbeSession()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    m_transport->disconnect(this);
}

void ProbeSession::setStepMode(bool enabled) { m_stepMode = enabled; }

QList<StepId> ProbeSession::planFor(const ProbeOptions& options)
{
    QList<StepId> plan;
    switch (options.tls) {
    case TlsMode::StartTls:
        plan = {StepId::Resolve,  StepId::Connect,      StepId::Banner,     StepId::Greeting,
                StepId::StartTls, StepId::TlsHandshake, StepId::GreetingTls};
        break;
    case TlsMode::Implicit:
        plan = {StepId::Resolve, StepId::Connect, StepId::TlsHandshake, StepId::Banner, StepId::Greeting};
        break;
    case TlsMode::None:
        plan = {StepId::Resolve, StepId::Connect, StepId::Banner, StepId::Greeting};
        break;
    }
    if (!options.user.isEmpty())
        plan.append(StepId::Auth);
    plan << messageSteps(options) << StepId::Quit;
    return plan;
}

// ---- running the plan ---------------------------------------------------------------------------

void ProbeSession::start()
{
    if (m_started)
        return;
    m_started = true;
    m_recorder.startClock();
    m_run.startedAt = QDateTime::currentDateTimeUtc();
    if (!m_dialect) {
        m_run.aborted = true;
        note(tr("%1 is not supported by this version.").arg(displayName(m_options.protocol)));
        finish();
        return;
    }
    qCDebug(lcSession) << "run" << m_options.host << m_options.port << toKey(m_options.tls);
    advance();
}

void ProbeSession::scheduleAdvance()
{
    // Queued, so that the caller (often a socket signal) unwinds before the next step starts.
    if (m_advanceQueued)
        return;
    m_advanceQueued = true;
    QMetaObject::invokeMethod(this, &ProbeSession::advance, Qt::QueuedConnection);
}

void ProbeSession::advance()
{
    m_advanceQueued = false;
    if (m_finished)
        return;
    // Steps decided away (skipped) are recorded in order, without pausing for them.
    while (m_planIndex + 1 < m_plan.size() && m_skipReasons.contains(m_plan.at(m_planIndex + 1))) {
        ++m_planIndex;
        recordSkipped(m_plan.at(m_planIndex), m_skipReasons.value(m_plan.at(m_planIndex)));
    }
    if (m_planIndex + 1 >= m_plan.size()) {
        finish();
        return;
    }
    if (m_stepMode && m_planIndex >= 0) {
        m_paused = true;
        Q_EMIT paused(m_plan.at(m_planIndex + 1));
        return;
    }
    ++m_planIndex;
    runStep(m_plan.at(m_planIndex));
}

void ProbeSession::resume()
{
    if (!m_paused || m_finished)
        return;
    m_paused = false;
    ++m_planIndex;
    runStep(m_plan.at(m_planIndex));
}

void ProbeSession::cancel()
{
    interrupt(FindingCatalogue::make(FindingIds::RunCancelled), tr("Stopped by you"),
              tr("Not run: the run was stopped"));
}

void ProbeSession::interrupt(Finding finding, const QString& summary, const QString& skipReason)
{
    if (m_finished)
        return;
    if (!m_started) {
        m_started = true;
        m_recorder.startClock();
        m_run.startedAt = QDateTime::currentDateTimeUtc();
    }
    m_paused = false;
    m_stepTimer.stop();
    m_sniffer.reset();
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    m_wait = Wait::Nothing;
    m_run.aborted = true;
    addFinding(std::move(finding));
    if (m_current >= 0 && m_run.steps.at(m_current).status == StepStatus::Running) {
        StepRecord& s = m_run.steps[m_current];
        s.status = StepStatus::Failed;
        s.durationMs = now() - s.startedMs;
        s.summary = summary;
        Q_EMIT stepFinished(m_current);
    }
    m_connected = false;
    m_transport->abort();
    for (int i = m_planIndex + 1; i < m_plan.size(); ++i)
        recordSkipped(m_plan.at(i), skipReason);
    m_planIndex = int(m_plan.size());
    finish();
}

void ProbeSession::beginStep(StepId id)
{
    StepRecord record;
    record.id = id;
    record.status = StepStatus::Running;
    record.startedMs = now();
    m_run.steps.append(record);
    m_current = int(m_run.steps.size()) - 1;
    Q_EMIT stepStarted(m_current);
}

void ProbeSession::recordSkipped(StepId id, const QString& reason)
{
    beginStep(id);
    StepRecord& s = m_run.steps[m_current];
    s.status = StepStatus::Skipped;
    s.summary = reason;
    Q_EMIT stepFinished(m_current);
}

void ProbeSession::runStep(StepId id)
{
    beginStep(id);
    if (failIfOutOfStep())
        return;
    m_stepTimer.start(m_options.stepTimeoutMs);
    if (needsConnection(id) && !m_connected && !m_transport->canReadLine()) {
        // The server hung up between steps (step mode leaves time for that): say so now
        // rather than writing into a closed socket and waiting out the timeout.
        if (id == StepId::Quit) {
            completeStep(StepStatus::Skipped, tr("Not sent: the server had already closed the connection"));
            return;
        }
        if (diagnosePartialGreeting())
            return;
        addFinding(FindingCatalogue::make(FindingIds::ServerClosedEarly,
                                          tr("Closed before step %1 began").arg(toKey(id))));
        failStep(tr("The server had already closed the connection"), false);
        return;
    }
    switch (id) {
    case StepId::Resolve:
        doResolve();
        break;
    case StepId::Connect:
        doConnect();
        break;
    case StepId::TlsHandshake:
        startHandshake();
        break;
    case StepId::Banner:
        m_dialect->expectReply(Dialect::Expect::Banner);
        m_wait = Wait::Reply;
        note(tr("Waiting for the server's greeting"));
        if (m_transport->canReadLine() || m_transport->overflowed())
            QMetaObject::invokeMethod(this, &ProbeSession::onLinesAvailable, Qt::QueuedConnection);
        break;
    case StepId::Greeting:
    case StepId::GreetingTls:
        m_capabilityAttempt = 0;
        if (id == StepId::Greeting && m_bannerListedCapabilities)
            note(tr("The greeting already listed capabilities; asking again for the complete, current list"));
        sendCommand(m_dialect->capabilityCommand(0), Dialect::Expect::Capabilities);
        break;
    case StepId::StartTls:
        if (m_preauthenticated) {
            // RFC 9051 s.6.2.1: STARTTLS is only valid in the not-authenticated state.
            if (m_options.policy == TlsPolicy::Enforce) {
                failStep(tr("%1 is impossible: the server already logged this session in (PREAUTH); stopping "
                            "(policy: enforce)")
                             .arg(m_dialect->startTlsVerb()),
                         true);
            } else {
                continueWithoutTls(
                    tr("%1 is impossible after PREAUTH; continuing without encryption (policy: "
                       "opportunistic)")
                        .arg(m_dialect->startTlsVerb()));
            }
            break;
        }
        if (!m_dialect->offersStartTls(m_activeCapabilities)) {
            handleStartTlsNotOffered();
            break;
        }
        sendCommand(m_dialect->startTlsCommand(), Dialect::Expect::StartTls);
        break;
    case StepId::Quit:
        m_quitSent = true;
        sendCommand(m_dialect->quitCommand(), Dialect::Expect::Quit);
        break;
    case StepId::Auth:
        doAuth();
        break;
    case StepId::MailFrom:
    case StepId::RcptTo:
    case StepId::Data:
        runMessageStep(id);
        break;
    }
}

void ProbeSession::completeStep(StepStatus status, const QString& summary)
{
    if (m_current < 0 || m_run.steps.at(m_current).status != StepStatus::Running)
        return;
    m_stepTimer.stop();
    m_wait = Wait::Nothing;
    m_recorder.endReply();
    StepRecord& s = m_run.steps[m_current];
    s.status = status;
    s.durationMs = now() - s.startedMs;
    s.summary = m_recorder.summary(summary);
    // Copied before the signal: a slot may end the run, which appends skipped steps and
    // reallocates m_run.steps under `s` (a use-after-free ASan found in TestTlsAudit).
    const StepId id = s.id;
    Q_EMIT stepFinished(m_current);
    if (status != StepStatus::Failed && status != StepStatus::Skipped && stopsAfter(id)) {
        skipRemaining(tr("Not run: the run was set to stop after %1").arg(toKey(id)), true);
    }
    scheduleAdvance();
}

void ProbeSession::failStep(const QString& summary, bool canQuit)
{
    m_streaming = false; // no more of the message after a failure (QUIT may follow)
    completeStep(StepStatus::Failed, summary);
    skipRemaining(tr("Skipped: an earlier step failed"), canQuit && m_connected && !m_quitSent);
}

void ProbeSession::skipRemaining(const QString& reason, bool keepQuit)
{
    for (int i = m_planIndex + 1; i < m_plan.size(); ++i) {
        const StepId id = m_plan.at(i);
        if (keepQuit && id == StepId::Quit)
            continue;
        if (!m_skipReasons.contains(id))
            m_skipReasons.insert(id, id == StepId::Quit ? tr("Not sent: the connection is closed") : reason);
    }
}

void ProbeSession::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_streaming = false;
    m_stepTimer.stop();
    m_wait = Wait::Nothing;
    reportDiscardedBytes(); // a run that stopped after the go-ahead still shows them
    m_recorder.endReply();
    m_run.durationMs = now();
    if (m_connected) {
        m_connected = false;
        m_transport->disconnectFromHost();
    }
    Q_EMIT finished();
}

// ---- steps ------------------------------------------------------------------------------------

void ProbeSession::doResolve()
{
    const QHostAddress literal(m_options.host);
    if (!literal.isNull()) {
        m_addresses = {literal};
        m_run.target.addresses = {literal.toString()};
        completeStep(StepStatus::Ok, tr("%1 is an address; no lookup needed").arg(m_options.host));
        return;
    }
    if (!m_options.addresses.isEmpty()) {
        m_addresses = m_options.addresses;
        for (const QHostAddress& a : std::as_const(m_addresses))
            m_run.target.addresses.append(a.toString());
        completeStep(StepStatus::Ok,
                     tr("Resolved already to %1").arg(m_run.target.addresses.join(QStringLiteral(", "))));
        return;
    }
    m_wait = Wait::Lookup;
    note(tr("Looking up %1").arg(m_options.host));
    m_lookupId = QHostInfo::lookupHost(m_options.host, this, &ProbeSession::onLookedUp);
}

void ProbeSession::onLookedUp(const QHostInfo& info)
{
    if (m_wait != Wait::Lookup || info.lookupId() != m_lookupId)
        return;
    m_lookupId = -1;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        addFinding(FindingCatalogue::make(FindingIds::HostNotFound, info.errorString()));
        failStep(tr("%1 could not be resolved: %2").arg(m_options.host, info.errorString()), false);
        return;
    }
    m_addresses = info.addresses();
    QStringList names;
    for (const QHostAddress& a : std::as_const(m_addresses))
        names.append(a.toString());
    m_run.target.addresses = names;
    note(tr("%1 has %n address(es): %2", nullptr, int(names.size()))
             .arg(m_options.host, names.join(QStringLiteral(", "))));
    completeStep(StepStatus::Ok, tr("Resolved to %1").arg(names.join(QStringLiteral(", "))));
}

void ProbeSession::doConnect()
{
    m_addressIndex = -1;
    m_lastConnectError.reset();
    connectNext();
}

void ProbeSession::connectNext()
{
    ++m_addressIndex;
    if (m_addressIndex >= m_addresses.size()) {
        const bool timedOut = m_lastConnectError == LineTransport::Error::Timeout;
        const QString where = QStringLiteral("%1:%2").arg(m_options.host).arg(m_options.port);
        if (timedOut) {
            addFinding(FindingCatalogue::make(
                FindingIds::ConnectionTimeout,
                tr("No answer from %1 within %2 s").arg(where).arg(m_options.stepTimeoutMs / 1000.0)));
            failStep(tr("No answer from %1 (timed out)").arg(where), false);
        } else {
            addFinding(FindingCatalogue::make(FindingIds::ConnectionRefused, m_lastConnectMessage));
            failStep(tr("Connection to %1 refused").arg(where), false);
        }
        return;
    }
    const QHostAddress address = m_addresses.at(m_addressIndex);
    note(tr("Connecting to %1 port %2").arg(address.toString()).arg(m_options.port));
    m_wait = Wait::Connect;
    m_stepTimer.start(m_options.stepTimeoutMs);
    m_transport->connectToHost(address, m_options.port);
}

void ProbeSession::onConnected()
{
    if (m_wait != Wait::Connect)
        return;
    m_connected = true;
    const QString address = m_addresses.at(m_addressIndex).toString();
    m_run.target.connectedAddress = address;
    const qint64 took = now() - m_run.steps.at(m_current).startedMs;
    note(tr("Connected to %1 port %2").arg(address).arg(m_options.port));
    completeStep(StepStatus::Ok,
                 tr("Connected to %1:%2 in %3 ms").arg(address).arg(m_options.port).arg(took));
}

// ---- transport events -----------------------------------------------------------------------------

void ProbeSession::onTransportError(LineTransport::Error error, const QString& message)
{
    if (m_finished)
        return;
    switch (m_wait) {
    case Wait::Connect:
        m_lastConnectError = error;
        m_lastConnectMessage = message;
        note(tr("Connection failed: %1").arg(message));
        m_wait = Wait::Nothing;
        m_transport->abort();
        connectNext();
        return;
    case Wait::Handshake:
        if (diagnoseFailedImplicitHandshake(message))
            return;
        m_connected = false;
        addFinding(FindingCatalogue::make(FindingIds::TlsHandshakeFailed, message));
        m_transport->abort();
        failStep(m_options.tls == TlsMode::Implicit
                     ? tr("TLS handshake failed: %1. If this port expects STARTTLS, use --tls starttls.")
                           .arg(message)
                     : tr("TLS handshake failed: %1").arg(message),
                 false);
        return;
    default:
        break;
    }
    if (error == LineTransport::Error::RemoteClosed) {
        onDisconnected();
        return;
    }
    note(tr("Connection error: %1").arg(message));
    if (m_wait == Wait::Reply) {
        dropConnection();
        addFinding(lostConnectionFinding(FindingIds::ServerClosedEarly, message));
        failStep(tr("Connection error: %1").arg(message), false);
    }
}

void ProbeSession::onDisconnected()
{
    if (m_finished || !m_connected)
        return;
    m_connected = false;
    note(tr("The server closed the connection"));
    if (m_wait == Wait::Handshake) {
        addFinding(FindingCatalogue::make(FindingIds::TlsHandshakeFailed,
                                          tr("The server closed the connection during the handshake.")));
        failStep(tr("The server closed the connection during the TLS handshake"), false);
        return;
    }
    if (m_wait != Wait::Reply)
        return;
    // A complete reply may sit in the buffer with the close right behind it: read it first.
    if (m_transport->canReadLine()) {
        onLinesAvailable();
        if (m_wait != Wait::Reply)
            return;
    }
    const StepId id = m_run.steps.at(m_current).id;
    if (id == StepId::Quit) {
        completeStep(StepStatus::Ok, tr("The server closed the connection"));
        return;
    }
    if (diagnosePartialGreeting())
        return;
    addFinding(lostConnectionFinding(FindingIds::ServerClosedEarly,
                                     tr("Closed while waiting for the reply in step %1").arg(toKey(id))));
    failStep(tr("The server closed the connection before replying"), false);
}

void ProbeSession::onStepTimeout()
{
    const double seconds = m_options.stepTimeoutMs / 1000.0;
    switch (m_wait) {
    case Wait::Lookup:
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
        addFinding(
            FindingCatalogue::make(FindingIds::HostNotFound, tr("No DNS answer within %1 s").arg(seconds)));
        failStep(tr("No DNS answer for %1 within %2 s").arg(m_options.host).arg(seconds), false);
        return;
    case Wait::Connect:
        m_lastConnectError = LineTransport::Error::Timeout;
        m_lastConnectMessage.clear();
        note(tr("No answer within %1 s").arg(seconds));
        m_wait = Wait::Nothing;
        m_transport->abort();
        connectNext();
        return;
    case Wait::Handshake:
        addFinding(FindingCatalogue::make(FindingIds::TlsHandshakeFailed,
                                          tr("The handshake did not complete within %1 s").arg(seconds)));
        dropConnection();
        failStep(tr("The TLS handshake did not complete within %1 s").arg(seconds), false);
        return;
    case Wait::Reply: {
        const StepId id = m_run.steps.at(m_current).id;
        if (diagnoseSilentBanner())
            return;
        dropConnection();
        if (id == StepId::Quit) {
            completeStep(
                StepStatus::Warning,
                tr("No reply to %1 within %2 s; connection closed").arg(m_dialect->quitVerb()).arg(seconds));
            return;
        }
        addFinding(lostConnectionFinding(
            FindingIds::ServerTimeout,
            tr("No complete reply within %1 s in step %2").arg(seconds).arg(toKey(id))));
        failStep(tr("No complete reply within %1 s").arg(seconds), false);
        return;
    }
    case Wait::Nothing:
    case Wait::Sniff:
    case Wait::Close:
        break;
    }
}

void ProbeSession::dropConnection()
{
    m_wait = Wait::Nothing;
    m_connected = false;
    m_transport->abort();
}

// ---- replies ------------------------------------------------------------------------------------

void ProbeSession::handleReply(const Reply& reply)
{
    noteAlerts(reply);
    switch (m_run.steps.at(m_current).id) {
    case StepId::Banner:
        handleBanner(reply);
        break;
    case StepId::Greeting:
    case StepId::GreetingTls:
        handleGreeting(reply);
        break;
    case StepId::StartTls:
        handleStartTls(reply);
        break;
    case StepId::Quit:
        handleQuit(reply);
        break;
    case StepId::Auth:
        handleAuth(reply);
        break;
    default:
        handleMessageReply(reply);
    }
}

void ProbeSession::noteAlerts(const Reply& reply)
{
    // RFC 9051 s.7.1: an [ALERT] is shown to the user as it is; in plaintext anyone could have written it.
    for (const QString& alert : m_dialect->alerts(reply)) {
        if (!m_recorder.admitAlert())
            continue; // counted in the run's truncation; a flood of alerts is not shown
        note(tr("Server alert: %1").arg(alert));
        if (!underTls())
            addFinding(FindingCatalogue::make(FindingIds::ImapPlaintextAlert, alert));
    }
}

void ProbeSession::handleBanner(const Reply& reply)
{
    const QString line = QString::fromUtf8(reply.statusLine());
    m_bannerListedCapabilities = !m_dialect->capabilities(reply).isEmpty();
    switch (m_dialect->classifyBanner(reply)) {
    case Dialect::BannerKind::Ready:
        completeStep(StepStatus::Ok, tr("Server greeted: %1").arg(reply.text));
        return;
    case Dialect::BannerKind::PreAuthenticated:
        m_preauthenticated = true;
        if (underTls()) {
            completeStep(
                StepStatus::Ok,
                tr("Server greeted and logged the session in already (PREAUTH): %1").arg(reply.text));
            return;
        }
        addFinding(FindingCatalogue::make(FindingIds::ImapPreauthBeforeTls, line));
        completeStep(
            StepStatus::Warning,
            tr("Server logged the session in before any encryption (PREAUTH), so %1 is impossible: %2")
                .arg(m_dialect->startTlsVerb(), reply.text));
        return;
    case Dialect::BannerKind::Refused:
        addFinding(FindingCatalogue::make(FindingIds::ServiceUnavailable, line));
        // RFC 5321 s.3.1: after a 554 greeting the client should still send QUIT.
        failStep(tr("Server refuses service: %1").arg(line), true);
        return;
    case Dialect::BannerKind::Closing:
        addFinding(FindingCatalogue::make(FindingIds::ServiceUnavailable, line));
        // RFC 9051 s.7.1.5: BYE as greeting; the server closes, nothing more is sent.
        failStep(tr("Server refuses service and hangs up: %1").arg(line), false);
        return;
    }
}

void ProbeSession::handleGreeting(const Reply& reply)
{
    const StepId id = m_run.steps.at(m_current).id;
    if (!reply.positive) {
        const QByteArray fallback = m_dialect->capabilityCommand(m_capabilityAttempt + 1);
        if (!fallback.isEmpty()) {
            ++m_capabilityAttempt;
            note(
                tr("The server refused %1; trying %2")
                    .arg(QString::fromLatin1(m_dialect->capabilityCommand(0)).section(QLatin1Char(' '), 0, 0),
                         QString::fromLatin1(fallback).section(QLatin1Char(' '), 0, 0)));
            sendCommand(fallback, Dialect::Expect::Capabilities);
            return;
        }
        if (m_dialect->capabilitiesOptional()) {
            // POP3 CAPA is an extension (RFC 2449): its absence is old-fashioned, not an error,
            // but without it the server cannot announce STLS.
            m_activeCapabilities.clear();
            m_recorder.setCapabilities(underTls(), {});
            Q_EMIT capabilitiesChanged();
            completeStep(StepStatus::Warning,
                         tr("The server has no capability list (it answered: %1), so it cannot offer %2")
                             .arg(QString::fromUtf8(reply.statusLine()), m_dialect->startTlsVerb()));
            return;
        }
        addFinding(
            FindingCatalogue::make(FindingIds::GreetingRejected, QString::fromUtf8(reply.statusLine())));
        failStep(tr("Greeting refused: %1").arg(QString::fromUtf8(reply.statusLine())), true);
        return;
    }

    const QStringList caps = m_capabilityAttempt == 0 ? m_dialect->capabilities(reply) : QStringList();
    m_activeCapabilities = caps;
    const bool tls = underTls();
    m_recorder.setCapabilities(tls, caps);
    Q_EMIT capabilitiesChanged();

    // After PREAUTH there is no login left to offer (RFC 9051 s.6.2: LOGIN and AUTHENTICATE are
    // not-authenticated-state commands).
    if (!tls && !m_preauthenticated && m_dialect->offersAuth(caps))
        addFinding(
            FindingCatalogue::make(FindingIds::PlaintextAuthOffered, m_dialect->authOfferEvidence(caps)));

    QString summary;
    StepStatus status = StepStatus::Ok;
    if (m_capabilityAttempt > 0) {
        status = StepStatus::Warning;
        summary = tr("The server only understands the old greeting (no extensions, so no STARTTLS)");
    } else if (id == StepId::GreetingTls) {
        summary = tr("Capabilities re-read over TLS: %n extension(s)", nullptr, int(caps.size()));
    } else if (tls) {
        summary = tr("Server offered %n extension(s) over TLS", nullptr, int(caps.size()));
    } else {
        summary = m_dialect->offersStartTls(caps)
                      ? tr("Server offered %n extension(s), including %1", nullptr, int(caps.size()))
                            .arg(m_dialect->startTlsVerb())
                      : tr("Server offered %n extension(s), without %1", nullptr, int(caps.size()))
                            .arg(m_dialect->startTlsVerb());
    }
    completeStep(status, summary);
}

void ProbeSession::handleQuit(const Reply& reply)
{
    m_connected = false;
    m_transport->disconnectFromHost();
    completeStep(reply.positive ? StepStatus::Ok : StepStatus::Warning,
                 tr("Server said goodbye: %1").arg(QString::fromUtf8(reply.statusLine())));
}

bool ProbeSession::needsConnection(StepId id) { return id != StepId::Resolve && id != StepId::Connect; }

bool ProbeSession::underTls() const { return m_transport->isEncrypted(); }

bool ProbeSession::stopsAfter(StepId id) const { return m_options.stopAfter && *m_options.stopAfter == id; }
