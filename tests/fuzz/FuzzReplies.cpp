// libFuzzer target for one protocol's reply parsing (FUZZ_PROTOCOL: Smtp, Imap or Pop3).
//
// The input is what a server sends. It goes through LineTransport's framing, in writes whose size
// the first byte chooses, and each line into the protocol's Dialect, expecting replies in the
// order ProbeSession asks for them: banner, capabilities (with SMTP's HELO fallback), STARTTLS,
// capabilities again, a SASL exchange, quit, then anything. Every complete reply is read the
// ways the session reads it (banner kind, alerts, capabilities and what they offer, SASL
// challenges). A malformed or too long reply ends the session in the product; here the next
// expectation starts, so one input reaches every stage.

#include "FuzzMain.h"
#include "net/LineTransport.h"
#include "protocol/Dialect.h"
#include "protocol/ImapDialect.h"
#include "protocol/SmtpDialect.h"

#include <memory>

#ifndef FUZZ_PROTOCOL
#error "FUZZ_PROTOCOL must name a Protocol (Smtp, Imap, Pop3)"
#endif

namespace {

/// LineTransport's framing with no socket: bytes go in through receive().
class BytesTransport final : public LineTransport
{
public:
    void connectToHost(const QHostAddress&, quint16) override { }
    void write(const QByteArray&) override { }
    void startClientEncryption(const TlsClientOptions&) override { }
    bool isEncrypted() const override { return false; }
    TlsHandshakeInfo handshakeInfo() const override { return {}; }
    void abort() override { }
    void disconnectFromHost() override { }
    void receive(const QByteArray& bytes) { appendReceived(bytes); }
};

/// Long enough for every real reply line, short enough that fuzz inputs reach the overflow.
constexpr qsizetype FuzzMaxLineLength = 1024;

class Conversation
{
public:
    Conversation()
        : m_dialect(Dialect::create(Protocol::FUZZ_PROTOCOL, QByteArrayLiteral("fuzz.invalid")))
    {
        m_dialect->expectReply(Dialect::Expect::Banner);
    }

    /// Feeds every complete line; false once the transport overflowed (the session stops there).
    bool consume(BytesTransport& transport)
    {
        if (transport.overflowed())
            return false;
        while (transport.canReadLine()) {
            const QByteArray line = transport.readLine();
            inspectLine(line);
            switch (m_dialect->feed(line)) {
            case Dialect::Feed::NeedMore:
                break;
            case Dialect::Feed::Complete:
                onReply(m_dialect->takeReply());
                break;
            case Dialect::Feed::Malformed:
            case Dialect::Feed::TooLong:
            case Dialect::Feed::OutOfSequence:
                if (m_dialect->problem().isEmpty())
                    fuzz::propertyFailed("a refused reply must say why");
                next();
                break;
            }
        }
        return true;
    }

private:
    static void inspectLine(const QByteArray& line)
    {
        int code = 0;
        bool more = false;
        QByteArray text;
        SmtpDialect::parseLine(line, &code, &more, &text);
        (void)ImapDialect::capabilityResponseCode(line);
        (void)ImapDialect::quoted(line);
    }

    void onReply(const Reply& reply)
    {
        const Dialect::Expect expect = currentExpect();
        if (reply.positive && reply.continuation)
            fuzz::propertyFailed("a reply is never positive and a continuation at once");
        (void)reply.statusLine();
        if (expect == Dialect::Expect::Banner)
            (void)m_dialect->classifyBanner(reply);
        (void)m_dialect->alerts(reply);
        const QStringList caps = m_dialect->capabilities(reply);
        (void)m_dialect->offersStartTls(caps);
        (void)m_dialect->offersAuth(caps);
        (void)m_dialect->authOfferEvidence(caps);
        (void)m_dialect->saslMechanisms(caps);
        (void)m_dialect->acceptsInitialResponse(caps);
        (void)m_dialect->offersPasswordLogin(caps);
        if (reply.continuation) {
            const std::optional<QByteArray> challenge = m_dialect->challenge(reply);
            (void)m_dialect->authResponse(challenge.value_or(QByteArray()));
        }
        if (expect == Dialect::Expect::Capabilities && !reply.positive && m_capabilityAttempt == 0) {
            // RFC 5321 s.3.2: EHLO refused, HELO next (SMTP only; the others have no fallback).
            const QByteArray fallback = m_dialect->capabilityCommand(++m_capabilityAttempt);
            if (!fallback.isEmpty()) {
                m_dialect->expectReply(Dialect::Expect::Capabilities);
                return;
            }
        }
        next();
    }

    Dialect::Expect currentExpect() const
    {
        static constexpr Dialect::Expect Order[] = {Dialect::Expect::Banner,   Dialect::Expect::Capabilities,
                                                    Dialect::Expect::StartTls, Dialect::Expect::Capabilities,
                                                    Dialect::Expect::Auth,     Dialect::Expect::Auth,
                                                    Dialect::Expect::Auth,     Dialect::Expect::Quit};
        return m_stage < std::size(Order) ? Order[m_stage] : Dialect::Expect::Generic;
    }

    /// Sends the next stage's command (IMAP tags must advance as in a session) and expects its reply.
    void next()
    {
        ++m_stage;
        m_capabilityAttempt = 0;
        switch (m_stage) {
        case 1:
        case 3:
            (void)m_dialect->capabilityCommand(0);
            break;
        case 2:
            (void)m_dialect->startTlsCommand();
            break;
        case 4:
            (void)m_dialect->authenticateCommand(QByteArrayLiteral("PLAIN"),
                                                 QByteArray("\0user\0secret", 12));
            break;
        case 5:
            (void)m_dialect->passwordLoginCommands(QStringLiteral("user"), QByteArrayLiteral("secret"));
            break;
        case 6:
            (void)m_dialect->authCancel();
            break;
        case 7:
            (void)m_dialect->quitCommand();
            break;
        default:
            break;
        }
        m_dialect->expectReply(currentExpect());
    }

    std::unique_ptr<Dialect> m_dialect;
    std::size_t m_stage = 0;
    int m_capabilityAttempt = 0;
};

} // namespace

MAILSCOPE_FUZZ_INITIALIZE

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    // First byte: 0 delivers everything in one write, n delivers n bytes a write (a server that
    // trickles, lines split anywhere, CR and LF in different writes).
    const qsizetype chunk = data[0] == 0 ? qsizetype(size) : qsizetype(data[0]);
    const QByteArray input = fuzz::bytes(data + 1, size - 1);
    BytesTransport transport;
    transport.setMaxLineLength(FuzzMaxLineLength);
    Conversation conversation;
    for (qsizetype at = 0; at < input.size(); at += chunk) {
        transport.receive(input.mid(at, chunk));
        if (!conversation.consume(transport))
            break;
    }
    return 0;
}
