#include "RawHelloProbe.h"

#include "net/SslLineTransport.h"
#include "PlaintextPreamble.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRawProbe, "mailscope.tls.raw", QtInfoMsg)

RawHelloProbe::RawHelloProbe(ProbeOptions options, QByteArray hello, ServerHelloParser::Depth depth,
                             std::unique_ptr<LineTransport> transport, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_hello(std::move(hello))
    , m_depth(depth)
    , m_transport(transport ? std::move(transport) : std::make_unique<SslLineTransport>())
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RawHelloProbe::onTimeout);
    connect(m_transport.get(), &LineTransport::connected, this, &RawHelloProbe::onConnected);
    connect(m_transport.get(), &LineTransport::linesAvailable, this, &RawHelloProbe::onLines);
    connect(m_transport.get(), &LineTransport::bytesAvailable, this, &RawHelloProbe::onBytes);
    connect(m_transport.get(), &LineTransport::errorOccurred, this, &RawHelloProbe::onError);
    connect(m_transport.get(), &LineTransport::disconnected, this, &RawHelloProbe::onDisconnected);
}

RawHelloProbe::~RawHelloProbe()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    m_transport->disconnect(this);
    m_transport->abort();
}

void RawHelloProbe::start()
{
    if (m_stage != Stage::Idle)
        return;
    m_clock.start();
    if (m_options.tls == TlsMode::StartTls) {
        m_preamble = std::make_unique<PlaintextPreamble>(m_options.protocol, m_options.heloName.toUtf8(),
                                                         m_transport.get());
        if (!m_preamble->isSupported()) {
            m_result.preambleFailed = true;
            conclude(RawProbeResult::Kind::Failed,
                     tr("%1 has no STARTTLS conversation here").arg(displayName(m_options.protocol)));
            return;
        }
    }
    m_timer.start(m_options.stepTimeoutMs);
    if (!m_options.addresses.isEmpty()) {
        m_addresses = m_options.addresses;
        connectNext();
        return;
    }
    const QHostAddress literal(m_options.host);
    if (!literal.isNull()) {
        m_addresses = {literal};
        connectNext();
        return;
    }
    m_stage = Stage::Resolving;
    m_lookupId = QHostInfo::lookupHost(m_options.host, this, &RawHelloProbe::onLookedUp);
}

void RawHelloProbe::cancel()
{
    if (m_finished)
        return;
    m_finished = true;
    m_stage = Stage::Done;
    m_timer.stop();
    m_transport->disconnect(this);
    m_transport->abort();
}

void RawHelloProbe::onLookedUp(const QHostInfo& info)
{
    if (m_stage != Stage::Resolving || info.lookupId() != m_lookupId)
        return;
    m_lookupId = -1;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        m_result.preambleFailed = true;
        conclude(RawProbeResult::Kind::Failed,
                 tr("%1 could not be resolved: %2").arg(m_options.host, info.errorString()));
        return;
    }
    m_addresses = info.addresses();
    connectNext();
}

void RawHelloProbe::connectNext()
{
    ++m_addressIndex;
    m_stage = Stage::Connecting;
    m_timer.start(m_options.stepTimeoutMs);
    m_transport->connectToHost(m_addresses.at(m_addressIndex), m_options.port);
}

void RawHelloProbe::onConnected()
{
    if (m_stage != Stage::Connecting)
        return;
    if (!m_preamble) {
        sendHello(); // implicit TLS: the hello is the first thing on the connection
        return;
    }
    m_stage = Stage::Preamble;
    m_timer.start(m_options.stepTimeoutMs);
    m_preamble->begin();
    onLines();
}

void RawHelloProbe::onLines()
{
    if (m_stage != Stage::Preamble)
        return;
    const PlaintextPreamble::State before = m_preamble->state();
    switch (m_preamble->read()) {
    case PlaintextPreamble::State::Ready:
        sendHello();
        return;
    case PlaintextPreamble::State::Failed:
        m_result.preambleFailed = m_preamble->permanent();
        m_result.limited = !m_preamble->permanent();
        conclude(RawProbeResult::Kind::Failed, m_preamble->problem());
        return;
    default:
        // Each reply that moved the conversation on restarts the clock for the next one.
        if (m_preamble->state() != before)
            m_timer.start(m_options.stepTimeoutMs);
        return;
    }
}

void RawHelloProbe::sendHello()
{
    // RFC 3207 s.4: whatever came after the go-ahead in plaintext is not the server's answer to
    // the hello; it is dropped, and from here on bytes are read raw.
    m_transport->takeUnread();
    m_transport->setRawMode(true);
    m_stage = Stage::Hello;
    m_timer.start(m_options.stepTimeoutMs);
    m_transport->write(m_hello);
}

void RawHelloProbe::onBytes()
{
    if (m_stage != Stage::Hello)
        return;
    m_received += m_transport->takeUnread();
    m_answer = ServerHelloParser::parse(m_received, m_depth);
    switch (m_answer.kind) {
    case ServerAnswer::Kind::NeedMore:
        return;
    case ServerAnswer::Kind::ServerHello:
        // With Depth::KeyExchange the rest of the flight (certificate, key exchange) may follow.
        if (m_depth == ServerHelloParser::Depth::KeyExchange && !m_answer.hello.flightComplete)
            return;
        conclude(RawProbeResult::Kind::ServerHello, {});
        return;
    case ServerAnswer::Kind::Alert:
        conclude(RawProbeResult::Kind::Alert, tr("alert %1")
                                                  .arg(ServerHelloParser::alertName(m_answer.alertDescription)
                                                           .replace(QLatin1Char('_'), QLatin1Char(' '))));
        return;
    case ServerAnswer::Kind::Malformed:
        conclude(RawProbeResult::Kind::Failed,
                 tr("the answer to the ClientHello is malformed: %1").arg(m_answer.problem));
        return;
    }
}

void RawHelloProbe::closedEarly(const QString& why)
{
    switch (m_stage) {
    case Stage::Hello:
        if (m_answer.kind == ServerAnswer::Kind::ServerHello) {
            // The ServerHello is in; the rest of the flight did not come: what we have is the answer.
            conclude(RawProbeResult::Kind::ServerHello, {});
            return;
        }
        m_result.closedInHandshake = true;
        conclude(
            RawProbeResult::Kind::Failed,
            tr("the server closed the connection after the ClientHello without an answer (%1)").arg(why));
        return;
    case Stage::Preamble:
        m_result.limited = true;
        conclude(RawProbeResult::Kind::Failed,
                 tr("the server closed the connection before STARTTLS (%1)").arg(why));
        return;
    default:
        m_result.limited = true;
        conclude(RawProbeResult::Kind::Failed, why);
        return;
    }
}

void RawHelloProbe::onError(LineTransport::Error error, const QString& message)
{
    if (m_finished)
        return;
    if (m_stage == Stage::Connecting && error == LineTransport::Error::ConnectionRefused
        && m_addressIndex + 1 < m_addresses.size()) {
        connectNext();
        return;
    }
    if (m_stage == Stage::Connecting) {
        m_result.limited = true;
        conclude(RawProbeResult::Kind::Failed, message);
        return;
    }
    onBytes(); // an alert may have come with the close or the reset
    if (m_finished)
        return;
    closedEarly(message);
}

void RawHelloProbe::onDisconnected()
{
    if (m_finished || m_stage == Stage::Connecting)
        return; // a failed connect is reported through onError()
    onBytes(); // what arrived with the close
    if (m_finished)
        return;
    closedEarly(tr("closed"));
}

void RawHelloProbe::onTimeout()
{
    if (m_finished)
        return;
    const double seconds = m_options.stepTimeoutMs / 1000.0;
    switch (m_stage) {
    case Stage::Hello:
        if (m_answer.kind == ServerAnswer::Kind::ServerHello) {
            conclude(RawProbeResult::Kind::ServerHello, {});
            return;
        }
        m_result.limited = true;
        conclude(RawProbeResult::Kind::Failed, tr("no answer to the ClientHello within %1 s").arg(seconds));
        return;
    case Stage::Preamble:
        // A silent or stuck conversation before TLS: every connection would wait the same.
        m_result.preambleFailed = true;
        conclude(RawProbeResult::Kind::Failed,
                 tr("no complete reply within %1 s before STARTTLS").arg(seconds));
        return;
    default:
        m_result.limited = true;
        conclude(RawProbeResult::Kind::Failed, tr("no connection within %1 s").arg(seconds));
        return;
    }
}

void RawHelloProbe::conclude(RawProbeResult::Kind kind, const QString& detail)
{
    if (m_finished)
        return;
    m_finished = true;
    m_stage = Stage::Done;
    m_timer.stop();
    // Decided: the connection is cut at once, before anything more can reach this probe.
    m_transport->disconnect(this);
    m_transport->abort();
    m_result.kind = kind;
    m_result.answer = m_answer;
    m_result.detail = detail;
    m_result.durationMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    qCDebug(lcRawProbe) << int(kind) << detail;
    QMetaObject::invokeMethod(this, &RawHelloProbe::finished, Qt::QueuedConnection);
}
