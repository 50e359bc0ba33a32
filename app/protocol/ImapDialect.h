#pragma once

#include "Dialect.h"

/**
 * IMAP4 (RFC 9051, RFC 3501) as far as a transport-security check needs it: greetings
 * (OK / PREAUTH / BYE), tagged commands with deterministic tags (A1, A2, ...), untagged responses
 * collected until the tagged completion, CAPABILITY (also as a response code), STARTTLS
 * (RFC 2595, RFC 8314), LOGIN, AUTHENTICATE with SASL-IR (RFC 4959), LOGOUT.
 *
 * Not handled: literals in server responses (the commands sent here never provoke them).
 */
class ImapDialect final : public Dialect
{
public:
    /// Replies longer than this many lines are refused as TooLong.
    static constexpr int MaxReplyLines = 512;

    ImapDialect() = default;

    Protocol protocol() const override { return Protocol::Imap; }
    void expectReply(Expect expect) override;
    Feed feed(const QByteArray& line) override;
    Reply takeReply() override;
    QString problem() const override { return m_problem; }
    bool mayArriveUnasked(const QByteArray& line) const override;
    BannerKind classifyBanner(const Reply& reply) const override;

    QByteArray capabilityCommand(int attempt) override;
    QStringList capabilities(const Reply& reply) const override;
    bool offersStartTls(const QStringList& capabilities) const override;
    bool offersAuth(const QStringList& capabilities) const override;
    QString authOfferEvidence(const QStringList& capabilities) const override;
    QByteArray startTlsCommand() override { return tagged("STARTTLS"); }
    QByteArray quitCommand() override { return tagged("LOGOUT"); }
    QString startTlsVerb() const override { return QStringLiteral("STARTTLS"); }
    QString quitVerb() const override { return QStringLiteral("LOGOUT"); }
    QStringList alerts(const Reply& reply) const override;

    QStringList saslMechanisms(const QStringList& capabilities) const override;
    bool acceptsInitialResponse(const QStringList& capabilities) const override;
    Command authenticateCommand(const QByteArray& mechanism,
                                const std::optional<QByteArray>& initialResponse) override;
    bool offersPasswordLogin(const QStringList& capabilities) const override;
    QList<Command> passwordLoginCommands(const QString& user, const QByteArray& password) override;
    QString passwordLoginName() const override { return QStringLiteral("LOGIN"); }

    /// The tag the dialect waits for (the last command's); empty before the first command.
    QByteArray currentTag() const { return m_tag; }
    /// `text` as an IMAP quoted string (RFC 9051 s.4.3); empty when it needs a literal (CR, LF,
    /// NUL or 8-bit characters).
    static QByteArray quoted(const QByteArray& text);
    /// The atoms of a "[CAPABILITY ...]" response code in `line`, empty when it has none.
    static QStringList capabilityResponseCode(const QByteArray& line);
    /// The tag of `line` when it is a tagged completion ("tag OK|NO|BAD ..."); empty otherwise.
    static QByteArray taggedStatusTag(const QByteArray& line);

private:
    /// A new tag and `verb` after it, with CRLF.
    QByteArray tagged(const QByteArray& verb);

    Expect m_expect = Expect::Generic;
    QByteArray m_tag;
    int m_tagCounter = 0;
    Reply m_reply;
    QString m_problem;
};
