#include "CommandInjectionProbe.h"

#include "net/SslLineTransport.h"
#include "PlaintextPreamble.h"

#include <climits>
#include <QCoreApplication>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcInjection, "mailscope.tls.injection", QtInfoMsg)

namespace {

/// Prefix of the injected command's IMAP tag; unlike the dialect's A1, A2, ... it cannot collide,
/// and the random part makes it unique to one probe, so no canned line can match it.
constexpr char InjectedImapTagPrefix[] = "INJ";

QString shown(const QByteArray& bytes)
{
    QByteArray b = bytes;
    while (b.endsWith('\n') || b.endsWith('\r'))
        b.chop(1);
    return QString::fromUtf8(b).replace(QLatin1String("\r\n"), QLatin1String(" + "));
}

QByteArray uniqueImapTag()
{
    return QByteArray(InjectedImapTagPrefix)
           + QByteArray::number(QRandomGenerator::global()->generate(), 16).rightJustified(8, '0').toUpper();
}

} // namespace

CommandInjectionProbe::CommandInjectionProbe(ProbeOptions options, std::unique_ptr<LineTransport> transport,
                                             QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_transport(transport ? std::move(transport) : std::make_unique<SslLineTransport>())
    , m_injectedTag(m_options.protocol == Protocol::Imap ? uniqueImapTag() : QByteArray())
{
    // The heart of the probe: STARTTLS and the injected command in ONE write.
    m_preamble = std::make_unique<PlaintextPreamble>(m_options.protocol, m_options.heloName.toUtf8(),
                                                     m_transport.get(), injectedCommand());
    m_dialect = m_preamble->dialect();
    m_preamble->setRecorder([this](const QByteArray& bytes, bool fromClient) {
        if (fromClient)
            m_transcript.append(QStringLiteral("C: %1").arg(shown(bytes)));
        else
            recordServer(bytes);
    });
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

QByteArray CommandInjectionProbe::injectedCommand(Protocol protocol, const QByteArray& imapTag)
{
    switch (protocol) {
    case Protocol::Imap:
        return imapTag + " NOOP\r\n";
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
    case Verdict::Inconclusive:
        return QStringLiteral("inconclusive");
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
    if (!m_preamble->isSupported()) {
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
    m_stage = Stage::Preamble;
    m_preamble->begin();
    m_timer.start(m_options.stepTimeoutMs);
    onLinesAvailable();
}

void CommandInjectionProbe::recordServer(const QByteArray& bytes, const QString& prefix)
{
    // The transcript goes into the report: every server line is clipped, and the judge bounds
    // how many lines there are.
    QString text = shown(bytes.left(MaxTranscriptLine));
    if (bytes.size() > MaxTranscriptLine)
        text += tr("… (%n byte(s) in all)", nullptr, int(std::min<qsizetype>(bytes.size(), INT_MAX)));
    m_transcript.append(prefix + text);
}

void CommandInjectionProbe::onLinesAvailable()
{
    if (m_finished)
        return;
    if (m_stage == Stage::AfterTls) {
        readAfterTls();
        return;
    }
    if (m_stage != Stage::Preamble)
        return; // nothing expected (during the handshake Qt buffers for us)
    const PlaintextPreamble::State before = m_preamble->state();
    switch (m_preamble->read()) {
    case PlaintextPreamble::State::Ready:
        goAhead();
        return;
    case PlaintextPreamble::State::Failed:
        preambleFailed();
        return;
    default:
        // A reply moved the conversation on: the next one gets the full step timeout.
        if (m_preamble->state() != before)
            m_timer.start(m_options.stepTimeoutMs);
        return;
    }
}

void CommandInjectionProbe::preambleFailed()
{
    const QString line = QString::fromUtf8(m_preamble->serverLine());
    switch (m_preamble->failure()) {
    case PlaintextPreamble::Failure::NoStartTls:
        conclude(Verdict::NotApplicable, tr("The server does not offer %1.").arg(m_dialect->startTlsVerb()));
        return;
    case PlaintextPreamble::Failure::StartTlsRefused:
        conclude(Verdict::NotApplicable,
                 tr("The server refused %1: %2").arg(m_dialect->startTlsVerb(), line));
        return;
    case PlaintextPreamble::Failure::Refused:
        conclude(Verdict::Error, tr("The server refused service: %1").arg(line));
        return;
    case PlaintextPreamble::Failure::Unreadable:
    case PlaintextPreamble::Failure::None:
        break;
    }
    m_transport->abort();
    conclude(Verdict::Error, m_preamble->problem());
}

void CommandInjectionProbe::goAhead()
{
    // A reply to the NOOP already in plaintext means the server processed it before TLS,
    // which is not the vulnerability; it is recorded and never parsed.
    const QByteArray early = m_transport->takeUnread();
    if (!early.isEmpty())
        recordServer(early, QStringLiteral("S: [plaintext, discarded] "));
    m_stage = Stage::Handshake;
    TlsClientOptions tls;
    tls.peerVerifyName = m_options.host;
    tls.extraCaCertificates = m_options.extraCaCertificates;
    m_transcript.append(tr("I: TLS handshake"));
    m_timer.start(m_options.stepTimeoutMs);
    m_transport->startClientEncryption(tls);
}

void CommandInjectionProbe::readAfterTls()
{
    if (m_transport->overflowed()) {
        m_judge->overflowed();
        concludeFromJudge(false);
        return;
    }
    while (!m_finished && m_transport->canReadLine()) {
        const QByteArray line = m_transport->readLine();
        recordServer(line);
        if (m_judge->feed(line) != InjectionReplyJudge::Verdict::Undecided) {
            concludeFromJudge(false);
            return;
        }
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
    const QByteArray quitTag =
        m_options.protocol == Protocol::Imap ? quit.left(quit.indexOf(' ')) : QByteArray();
    m_judge = std::make_unique<InjectionReplyJudge>(m_options.protocol, m_injectedTag, quitTag);
    m_transcript.append(QStringLiteral("C: %1").arg(shown(quit)));
    m_timer.start(m_options.stepTimeoutMs);
    m_transport->write(quit);
    readAfterTls();
}

void CommandInjectionProbe::concludeFromJudge(bool closed)
{
    const InjectionReplyJudge::Verdict v = m_judge->verdict() == InjectionReplyJudge::Verdict::Undecided
                                               ? m_judge->end(closed)
                                               : m_judge->verdict();
    // Decided: nothing more is read or sent (a flood or a lingering server is cut off at once).
    m_transport->abort();
    switch (v) {
    case InjectionReplyJudge::Verdict::Vulnerable:
        conclude(Verdict::Vulnerable,
                 tr("Sent \"%1\" in one write; %2")
                     .arg(shown(m_dialect->startTlsCommand() + injectedCommand()), m_judge->detail()));
        return;
    case InjectionReplyJudge::Verdict::NotVulnerable:
        conclude(Verdict::NotVulnerable, m_judge->detail());
        return;
    case InjectionReplyJudge::Verdict::Inconclusive:
    case InjectionReplyJudge::Verdict::Undecided:
        break;
    }
    conclude(Verdict::Inconclusive, m_judge->detail());
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
        handshakeRefused(message);
        return;
    }
    conclude(Verdict::Error, message);
}

void CommandInjectionProbe::handshakeRefused(const QString& why)
{
    // The server said go ahead, then the handshake broke: it fed the injected bytes to its TLS
    // layer (Dovecot: "wrong version number") or hung up. Either way no TLS session exists in
    // which the injected command could have run. (A server whose TLS is broken for every client
    // fails the same way; the check's own tls-handshake step shows that.)
    m_transport->abort();
    conclude(Verdict::NotVulnerable,
             tr("The TLS handshake failed after \"%1\" was sent in one write (%2): the server read the "
                "injected bytes as TLS data or hung up, so the injected command never ran inside TLS.")
                 .arg(shown(m_dialect->startTlsCommand() + injectedCommand()), why));
}

void CommandInjectionProbe::onDisconnected()
{
    if (m_finished)
        return;
    if (m_stage == Stage::AfterTls) {
        readAfterTls(); // what arrived with the close, still bounded by the judge
        if (!m_finished)
            concludeFromJudge(true);
        return;
    }
    if (m_stage == Stage::Handshake) {
        handshakeRefused(tr("the server closed the connection"));
        return;
    }
    conclude(Verdict::Error, tr("The server closed the connection before the probe was complete."));
}

void CommandInjectionProbe::onTimeout()
{
    if (m_finished)
        return;
    if (m_stage == Stage::AfterTls) {
        // No verdict and no close: decide on what arrived (POP3 servers may linger after QUIT).
        concludeFromJudge(false);
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
