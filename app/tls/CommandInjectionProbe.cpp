#include "CommandInjectionProbe.h"

#include "net/SslLineTransport.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcInjection, "mailscope.tls.injection", QtInfoMsg)

namespace {

/// The IMAP tag of the injected command: unlike the dialect's A1, A2, ... it cannot collide.
constexpr char InjectedImapTag[] = "INJ1";

QString shown(const QByteArray& bytes)
{
    QByteArray b = bytes;
    while (b.endsWith('\n') || b.endsWith('\r'))
        b.chop(1);
    return QString::fromUtf8(b).replace(QLatin1String("\r\n"), QLatin1String(" + "));
}
} // namespace

CommandInjectionProbe::CommandInjectionProbe(ProbeOptions options, std::unique_ptr<LineTransport> transport,
                                             QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_transport(transport ? std::move(transport) : std::make_unique<SslLineTransport>())
    , m_dialect(Dialect::create(m_options.protocol, m_options.heloName.toUtf8()))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer); // its limit is quoted in the finding
    connect(&m_timer, &QTimer::timeout, this, &CommandInjectionProbe::onTimeout);
    connect(m_transport.get(), &LineTransport::connected, this, &CommandInjectionProbe::onConnected);
    connect(m_transport.get(), &LineTransport::linesAvailable, this,
            &CommandInjectionProbe::onLinesAvailable);
    connect(m_transport.get(), &LineTransport::encrypted, this, &CommandInjectionProbe::onEncrypted);
    connect(m_transport.get(), &LineTransport::errorOccurred, this, &CommandInjectionProbe::onError);
    connect(m_transport.get(), &LineTransport::disconnected, this, &CommandInjectionProbe::onDisconnected);
}

CommandInjectionProbe::~CommandInjectionProbe()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    m_transport->disconnect(this);
    m_transport->abort();
}

QByteArray CommandInjectionProbe::injectedCommand(Protocol protocol)
{
    switch (protocol) {
    case Protocol::Imap:
        return QByteArray(InjectedImapTag) + " NOOP\r\n";
    case Protocol::Smtp:
    case Protocol::Pop3:
        break;
    }
    return QByteArrayLiteral("NOOP\r\n");
}

QString CommandInjectionProbe::toKey(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Vulnerable:
        return QStringLiteral("vulnerable");
    case Verdict::NotVulnerable:
        return QStringLiteral("not-vulnerable");
    case Verdict::NotApplicable:
        return QStringLiteral("not-applicable");
    case Verdict::Error:
        break;
    }
    return QStringLiteral("error");
}

void CommandInjectionProbe::start()
{
    if (m_stage != Stage::Idle)
        return;
    if (m_options.tls != TlsMode::StartTls) {
        conclude(Verdict::NotApplicable,
                 tr("Only STARTTLS connections can carry injected plaintext commands."));
        return;
    }
    if (!m_dialect) {
        conclude(Verdict::NotApplicable,
                 tr("%1 is not supported by this version.").arg(displayName(m_options.protocol)));
        return;
    }
    m_timer.start(m_options.stepTimeoutMs);
    const QHostAddress literal(m_options.host);
    if (!literal.isNull()) {
        m_stage = Stage::Connecting;
        m_transport->connectToHost(literal, m_options.port);
        return;
    }
    m_stage = Stage::Resolving;
    m_lookupId = QHostInfo::lookupHost(m_options.host, this, &CommandInjectionProbe::onLookedUp);
}

void CommandInjectionProbe::cancel()
{
    if (m_finished)
        return;
    m_transport->abort();
    conclude(Verdict::Error, tr("Stopped"));
}

void CommandInjectionProbe::onLookedUp(const QHostInfo& info)
{
    if (m_stage != Stage::Resolving || info.lookupId() != m_lookupId)
        return;
    m_lookupId = -1;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        conclude(Verdict::Error, tr("%1 could not be resolved: %2").arg(m_options.host, info.errorString()));
        return;
    }
    m_stage = Stage::Connecting;
    m_transport->connectToHost(info.addresses().constFirst(), m_options.port);
}

void CommandInjectionProbe::onConnected()
{
    if (m_stage != Stage::Connecting)
        return;
    m_stage = Stage::Banner;
    m_dialect->expectReply(Dialect::Expect::Banner);
    m_timer.start(m_options.stepTimeoutMs);
    onLinesAvailable();
}

void CommandInjectionProbe::send(const QByteArray& bytes, Dialect::Expect expect)
{
    m_transcript.append(QStringLiteral("C: %1").arg(shown(bytes)));
    m_dialect->expectReply(expect);
    m_timer.start(m_options.stepTimeoutMs);
    m_transport->write(bytes);
}

void CommandInjectionProbe::onLinesAvailable()
{
    while (!m_finished && m_transport->canReadLine()) {
        if (m_stage == Stage::AfterTls) {
            const QByteArray line = m_transport->readLine();
            m_transcript.append(QStringLiteral("S: %1").arg(QString::fromUtf8(line)));
            m_afterTls.append(line);
            if (isQuitReply(line)) {
                judgeAfterTls(false);
                return;
            }
            continue;
        }
        if (m_stage != Stage::Banner && m_stage != Stage::Capabilities && m_stage != Stage::StartTls)
            return; // nothing expected (during the handshake Qt buffers for us)
        const QByteArray line = m_transport->readLine();
        m_transcript.append(QStringLiteral("S: %1").arg(QString::fromUtf8(line)));
        switch (m_dialect->feed(line)) {
        case Dialect::Feed::NeedMore:
            continue;
        case Dialect::Feed::Complete:
            handleReply(m_dialect->takeReply());
            // After the STARTTLS go-ahead the rest of the buffer is not read as protocol here.
            if (m_stage != Stage::Banner && m_stage != Stage::Capabilities)
                return;
            continue;
        case Dialect::Feed::Malformed:
        case Dialect::Feed::TooLong:
            conclude(Verdict::Error,
                     tr("The server's reply could not be read: %1").arg(m_dialect->problem()));
            return;
        }
    }
}

void CommandInjectionProbe::handleReply(const Reply& reply)
{
    switch (m_stage) {
    case Stage::Banner:
        if (!reply.positive) {
            conclude(Verdict::Error,
                     tr("The server refused service: %1").arg(QString::fromUtf8(reply.statusLine())));
            return;
        }
        m_stage = Stage::Capabilities;
        send(m_dialect->capabilityCommand(0), Dialect::Expect::Capabilities);
        return;
    case Stage::Capabilities: {
        const QStringList caps = reply.positive ? m_dialect->capabilities(reply) : QStringList();
        // POP3 servers may lack CAPA (RFC 2449) and still know STLS: try it then.
        const bool tryAnyway = !reply.positive && m_dialect->capabilitiesOptional();
        if (!tryAnyway && !m_dialect->offersStartTls(caps)) {
            conclude(Verdict::NotApplicable,
                     tr("The server does not offer %1.").arg(m_dialect->startTlsVerb()));
            return;
        }
        m_stage = Stage::StartTls;
        // The heart of the probe: STARTTLS and the injected command in ONE write.
        send(m_dialect->startTlsCommand() + injectedCommand(m_options.protocol), Dialect::Expect::StartTls);
        return;
    }
    case Stage::StartTls: {
        if (!reply.positive) {
            conclude(Verdict::NotApplicable,
                     tr("The server refused %1: %2")
                         .arg(m_dialect->startTlsVerb(), QString::fromUtf8(reply.statusLine())));
            return;
        }
        // A reply to the NOOP already in plaintext means the server processed it before TLS,
        // which is not the vulnerability; it is recorded and never parsed.
        const QByteArray early = m_transport->takeUnread();
        if (!early.isEmpty())
            m_transcript.append(QStringLiteral("S: [plaintext, discarded] %1").arg(shown(early)));
        m_stage = Stage::Handshake;
        TlsClientOptions tls;
        tls.peerVerifyName = m_options.host;
        tls.extraCaCertificates = m_options.extraCaCertificates;
        m_transcript.append(tr("I: TLS handshake"));
        m_timer.start(m_options.stepTimeoutMs);
        m_transport->startClientEncryption(tls);
        return;
    }
    default:
        return;
    }
}

void CommandInjectionProbe::onEncrypted()
{
    if (m_stage != Stage::Handshake)
        return;
    // Nothing but QUIT goes over this session, whatever the certificate: the probe's verdict is
    // about the server's input handling, not about trust.
    m_stage = Stage::AfterTls;
    const QByteArray quit = m_dialect->quitCommand();
    m_quitTag = m_options.protocol == Protocol::Imap ? quit.left(quit.indexOf(' ')) : QByteArray();
    m_transcript.append(QStringLiteral("C: %1").arg(shown(quit)));
    m_timer.start(m_options.stepTimeoutMs);
    m_transport->write(quit);
    onLinesAvailable();
}

bool CommandInjectionProbe::isQuitReply(const QByteArray& line) const
{
    switch (m_options.protocol) {
    case Protocol::Smtp:
        return line.startsWith("221");
    case Protocol::Imap:
        return !m_quitTag.isEmpty() && line.startsWith(m_quitTag + ' ');
    case Protocol::Pop3:
        // The QUIT reply cannot be told from a NOOP reply: the server closing ends the read.
        break;
    }
    return false;
}

void CommandInjectionProbe::judgeAfterTls(bool closed)
{
    Q_UNUSED(closed)
    QList<QByteArray> answered;
    switch (m_options.protocol) {
    case Protocol::Smtp:
        for (const QByteArray& l : std::as_const(m_afterTls)) {
            if (l.startsWith("221"))
                break;
            answered.append(l);
        }
        break;
    case Protocol::Imap:
        for (const QByteArray& l : std::as_const(m_afterTls)) {
            if (l.startsWith(QByteArray(InjectedImapTag) + ' '))
                answered.append(l);
        }
        break;
    case Protocol::Pop3: {
        QList<QByteArray> status;
        for (const QByteArray& l : std::as_const(m_afterTls)) {
            if (l.startsWith("+OK") || l.startsWith("-ERR"))
                status.append(l);
        }
        if (status.size() >= 2)
            answered.append(status.constFirst());
        break;
    }
    }
    m_transport->disconnectFromHost();
    if (!answered.isEmpty()) {
        conclude(Verdict::Vulnerable,
                 tr("Sent \"%1\" in one write; inside TLS the server answered the injected command: %2")
                     .arg(shown(m_dialect->startTlsCommand() + injectedCommand(m_options.protocol)),
                          QString::fromUtf8(answered.constFirst())));
        return;
    }
    if (m_afterTls.isEmpty()) {
        conclude(Verdict::NotVulnerable,
                 tr("The server discarded the injected command (no reply inside TLS; it closed "
                    "the connection)."));
        return;
    }
    conclude(Verdict::NotVulnerable,
             tr("The server discarded the injected command; its first reply inside TLS was to QUIT: %1")
                 .arg(QString::fromUtf8(m_afterTls.constFirst())));
}

void CommandInjectionProbe::onError(LineTransport::Error error, const QString& message)
{
    if (m_finished)
        return;
    if (m_stage == Stage::AfterTls && error == LineTransport::Error::RemoteClosed) {
        onDisconnected();
        return;
    }
    if (m_stage == Stage::Handshake) {
        conclude(Verdict::Error, tr("The TLS handshake failed: %1").arg(message));
        return;
    }
    conclude(Verdict::Error, message);
}

void CommandInjectionProbe::onDisconnected()
{
    if (m_finished)
        return;
    if (m_stage == Stage::AfterTls) {
        while (m_transport->canReadLine())
            m_afterTls.append(m_transport->readLine());
        judgeAfterTls(true);
        return;
    }
    conclude(Verdict::Error, tr("The server closed the connection before the probe was complete."));
}

void CommandInjectionProbe::onTimeout()
{
    if (m_finished)
        return;
    if (m_stage == Stage::AfterTls) {
        // No QUIT reply and no close: decide on what arrived (POP3 servers may linger).
        judgeAfterTls(false);
        return;
    }
    m_transport->abort();
    conclude(Verdict::Error, tr("No answer within %1 s").arg(m_options.stepTimeoutMs / 1000.0));
}

void CommandInjectionProbe::conclude(Verdict verdict, const QString& detail)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    m_stage = Stage::Done;
    m_verdict = verdict;
    m_detail = detail;
    qCDebug(lcInjection) << toKey(verdict) << detail;
    // Queued: the caller may delete the probe from its finished() slot.
    QMetaObject::invokeMethod(this, &CommandInjectionProbe::finished, Qt::QueuedConnection);
}
