#pragma once

#include "Reply.h"
#include "run/Types.h"

#include <memory>
#include <optional>
#include <QStringList>

/**
 * What differs between SMTP, IMAP and POP3, behind one interface the single ProbeSession drives:
 * how a reply is framed, which commands read capabilities, start TLS, log in and quit, and what
 * the capabilities mean. A dialect never touches a socket; it turns lines into replies and
 * requests into bytes, so it is tested with plain data.
 *
 * Command builders are not const: IMAP tags each command (A1, A2, ...) and then waits for that
 * tag, so build a command only to send it.
 */
class Dialect
{
public:
    enum class Expect
    {
        Banner,
        Capabilities,
        StartTls,
        Auth,
        Quit,
        Generic
    };
    enum class Feed
    {
        NeedMore,
        Complete,
        Malformed,
        TooLong,
        /// Well-formed, but not a reply to the command sent (SMTP 220 to EHLO, an IMAP line tagged
        /// for another command, a continuation where none was asked for): the conversation is out
        /// of step and nothing after it can be matched to a command. problem() says why.
        OutOfSequence
    };
    /// What the server's first words mean.
    enum class BannerKind
    {
        Ready, ///< go ahead (SMTP 220, IMAP * OK, POP3 +OK)
        PreAuthenticated, ///< IMAP * PREAUTH: already logged in (RFC 9051 s.7.1.4)
        Refused, ///< SMTP 554, POP3 -ERR: no service, but a QUIT is still polite
        Closing, ///< IMAP * BYE: the server hangs up
    };

    /// A command ready to send, and what the transcript shows of it when secrets are hidden.
    struct Command
    {
        QByteArray bytes; ///< with its CRLF
        QByteArray redacted; ///< without CRLF, secrets replaced by [redacted]
    };

    Dialect() = default;
    virtual ~Dialect();
    Q_DISABLE_COPY_MOVE(Dialect)

    static std::unique_ptr<Dialect> create(Protocol protocol, const QByteArray& heloName);

    virtual Protocol protocol() const = 0;

    /// Starts framing a new reply of the given kind: the reply to the command just sent. Only a
    /// reply that can answer that command completes (each dialect states its command-reply rules).
    virtual void expectReply(Expect expect) = 0;
    /// Feeds one received line (without its line ending).
    virtual Feed feed(const QByteArray& line) = 0;
    /// The completed reply; valid after feed() returned Complete.
    virtual Reply takeReply() = 0;
    /// Why the last feed() returned Malformed, TooLong or OutOfSequence, in words.
    virtual QString problem() const = 0;
    /// True when `line`, arriving while no command is waiting for its reply, is something the
    /// protocol lets a server send unasked (IMAP untagged data, SMTP's 421 shutdown notice). Any
    /// other line that comes before the client spoke is out of step.
    virtual bool mayArriveUnasked(const QByteArray& line) const = 0;

    /// How to read a complete banner reply.
    virtual BannerKind classifyBanner(const Reply& reply) const
    {
        return reply.positive ? BannerKind::Ready : BannerKind::Refused;
    }

    /// The command that reads capabilities; `attempt` 1 is the fallback (SMTP HELO).
    /// Empty when there is no such attempt.
    virtual QByteArray capabilityCommand(int attempt) = 0;
    /// True when a server may lack the capability command altogether (POP3 CAPA is an extension,
    /// RFC 2449): a refusal then means "no capabilities", not a failed greeting.
    virtual bool capabilitiesOptional() const { return false; }
    virtual QStringList capabilities(const Reply& reply) const = 0;
    virtual bool offersStartTls(const QStringList& capabilities) const = 0;
    /// True when the capabilities offer a way to send a password.
    virtual bool offersAuth(const QStringList& capabilities) const = 0;
    /// The capability that shows the password offer, for a finding's evidence.
    virtual QString authOfferEvidence(const QStringList& capabilities) const;
    virtual QByteArray startTlsCommand() = 0;
    virtual QByteArray quitCommand() = 0;
    /// The name of the STARTTLS verb in this protocol ("STARTTLS", "STLS").
    virtual QString startTlsVerb() const = 0;
    /// The name of the quit verb ("QUIT", "LOGOUT").
    virtual QString quitVerb() const = 0;

    /// Texts the server asked to be shown to the user as they are (IMAP [ALERT], RFC 9051 s.7.1).
    virtual QStringList alerts(const Reply&) const { return {}; }

    // ---- authentication --------------------------------------------------------------------
    /// SASL mechanisms the capabilities offer, upper-case, in the server's order.
    virtual QStringList saslMechanisms(const QStringList& capabilities) const = 0;
    /// True when the AUTH command may carry the initial response (SMTP RFC 4954 and POP3
    /// RFC 5034 always; IMAP only with SASL-IR, RFC 4959).
    virtual bool acceptsInitialResponse(const QStringList& capabilities) const = 0;
    /// The SASL command for `mechanism`, with the raw initial response when given (the dialect
    /// encodes it; an empty one becomes "=").
    virtual Command authenticateCommand(const QByteArray& mechanism,
                                        const std::optional<QByteArray>& initialResponse) = 0;
    /// One raw client response inside a SASL exchange: base64 on a line of its own.
    virtual Command authResponse(const QByteArray& response) const;
    /// Cancels a SASL exchange ("*", RFC 4954 s.4, RFC 9051 s.6.2.2, RFC 5034 s.4).
    virtual QByteArray authCancel() const { return QByteArrayLiteral("*\r\n"); }
    /// The decoded challenge of a continuation reply; nullopt when it is not valid base64.
    virtual std::optional<QByteArray> challenge(const Reply& reply) const;
    /// True when the protocol's own password login is available (IMAP LOGIN without
    /// LOGINDISABLED, POP3 USER/PASS); SMTP has none.
    virtual bool offersPasswordLogin(const QStringList&) const { return false; }
    /// The protocol's own password login, one command per round trip (IMAP LOGIN; POP3 USER then
    /// PASS). Empty when there is none or the credentials cannot be expressed (problem() says why).
    virtual QList<Command> passwordLoginCommands(const QString& user, const QByteArray& password);
    /// The name of that login in summaries ("LOGIN", "USER/PASS").
    virtual QString passwordLoginName() const { return {}; }

    /// Base64 for a SASL line; "=" for an empty initial response (RFC 4954 s.4).
    static QByteArray encodeInitialResponse(const QByteArray& raw);

    /// Bytes one reply may hold, all its lines together (without line endings); past it feed()
    /// returns TooLong. No reply Mailscope asks for comes near it (an EHLO reply is ~300 bytes), but
    /// 512 lines of 64 KB would be 32 MB held and shown.
    static constexpr qsizetype MaxReplyBytes = 256 * 1024;

protected:
    /// True when `reply` holds more than MaxReplyBytes; `problem` then says so.
    static bool tooManyBytes(const Reply& reply, QString* problem);
};
