#include "PlaintextPreamble.h"

#include <QCoreApplication>

namespace {
QString tr(const char* text) { return QCoreApplication::translate("PlaintextPreamble", text); }

bool temporary(const Reply& reply) { return reply.code >= 400 && reply.code < 500; }
} // namespace

PlaintextPreamble::PlaintextPreamble(Protocol protocol, const QByteArray& heloName, LineTransport* transport,
                                     QByteArray appended)
    : m_dialect(Dialect::create(protocol, heloName))
    , m_transport(transport)
    , m_appended(std::move(appended))
{
}

PlaintextPreamble::~PlaintextPreamble() = default;

void PlaintextPreamble::begin()
{
    if (!m_dialect) {
        fail(Failure::NoStartTls, tr("this protocol has no STARTTLS conversation here"), true);
        return;
    }
    m_state = State::Banner;
    m_dialect->expectReply(Dialect::Expect::Banner);
}

void PlaintextPreamble::send(const QByteArray& bytes, Dialect::Expect expect)
{
    if (m_recorder)
        m_recorder(bytes, true);
    m_dialect->expectReply(expect);
    m_transport->write(bytes);
}

PlaintextPreamble::State PlaintextPreamble::read()
{
    if (m_state != State::Banner && m_state != State::Capabilities && m_state != State::StartTls)
        return m_state;
    if (m_transport->overflowed()) {
        fail(Failure::Unreadable,
             tr("the server sent a line longer than %1 bytes").arg(LineTransport::DefaultMaxLineLength),
             true);
        return m_state;
    }
    while (m_transport->canReadLine()) {
        const QByteArray line = m_transport->readLine();
        if (m_recorder)
            m_recorder(line, false);
        switch (m_dialect->feed(line)) {
        case Dialect::Feed::NeedMore:
            continue;
        case Dialect::Feed::Complete:
            handle(m_dialect->takeReply());
            if (m_state == State::Ready || m_state == State::Failed)
                return m_state; // after the go-ahead nothing is read as protocol (RFC 3207 s.4)
            continue;
        case Dialect::Feed::Malformed:
        case Dialect::Feed::TooLong:
        case Dialect::Feed::OutOfSequence:
            fail(Failure::Unreadable,
                 tr("the server's reply could not be read: %1").arg(m_dialect->problem()), true);
            return m_state;
        }
    }
    return m_state;
}

void PlaintextPreamble::handle(const Reply& reply)
{
    const QString said = QString::fromUtf8(reply.statusLine().left(200));
    switch (m_state) {
    case State::Banner:
        switch (m_dialect->classifyBanner(reply)) {
        case Dialect::BannerKind::Ready:
            break;
        case Dialect::BannerKind::PreAuthenticated:
            // RFC 9051 s.6.2.1: STARTTLS only in the not-authenticated state.
            fail(Failure::NoStartTls,
                 tr("the server greeted with PREAUTH, so STARTTLS cannot be used: %1").arg(said), true,
                 &reply);
            return;
        case Dialect::BannerKind::Refused:
        case Dialect::BannerKind::Closing:
            // SMTP 421 (RFC 5321 s.3.8) and any 4xx, IMAP BYE and POP3 -ERR greetings are what a
            // server at its connection limit says; a 5xx (554) refuses this client for good.
            fail(Failure::Refused, tr("the server refused service: %1").arg(said), reply.code >= 500, &reply);
            return;
        }
        m_state = State::Capabilities;
        send(m_dialect->capabilityCommand(0), Dialect::Expect::Capabilities);
        return;
    case State::Capabilities: {
        if (!reply.positive && temporary(reply)) {
            fail(Failure::Refused, tr("the server refused the capability command: %1").arg(said), false,
                 &reply);
            return;
        }
        const QStringList caps = reply.positive ? m_dialect->capabilities(reply) : QStringList();
        // POP3 servers may lack CAPA (RFC 2449) and still know STLS: try it then.
        const bool tryAnyway = !reply.positive && m_dialect->capabilitiesOptional();
        if (!tryAnyway && !m_dialect->offersStartTls(caps)) {
            fail(Failure::NoStartTls,
                 reply.positive ? tr("the server does not offer %1").arg(m_dialect->startTlsVerb())
                                : tr("the server refused the capability command: %1").arg(said),
                 true, &reply);
            return;
        }
        m_state = State::StartTls;
        send(m_dialect->startTlsCommand() + m_appended, Dialect::Expect::StartTls);
        return;
    }
    case State::StartTls:
        if (!reply.positive) {
            // 454 "TLS not available due to temporary reason" (RFC 3207 s.4) may pass.
            fail(Failure::StartTlsRefused,
                 tr("the server refused %1: %2").arg(m_dialect->startTlsVerb(), said), !temporary(reply),
                 &reply);
            return;
        }
        m_state = State::Ready;
        return;
    default:
        return;
    }
}

void PlaintextPreamble::fail(Failure failure, const QString& problem, bool permanent, const Reply* reply)
{
    m_state = State::Failed;
    m_failure = failure;
    m_problem = problem;
    m_permanent = permanent;
    if (reply) {
        m_replyCode = reply->code;
        m_serverLine = reply->statusLine();
    }
}
