#pragma once

#include "Dialect.h"

/**
 * POP3 (RFC 1939) with extensions (CAPA, RFC 2449), STLS (RFC 2595) and SASL AUTH (RFC 5034):
 * "+OK" / "-ERR" status lines, the multi-line CAPA answer ending in a lone ".", "+ " continuations
 * inside AUTH, USER/PASS as the password login.
 */
class Pop3Dialect final : public Dialect
{
public:
    /// Replies longer than this many lines are refused as TooLong.
    static constexpr int MaxReplyLines = 512;

    Pop3Dialect() = default;

    Protocol protocol() const override { return Protocol::Pop3; }
    void expectReply(Expect expect) override;
    Feed feed(const QByteArray& line) override;
    Reply takeReply() override;
    QString problem() const override { return m_problem; }
    bool mayArriveUnasked(const QByteArray& line) const override;

    QByteArray capabilityCommand(int attempt) override;
    bool capabilitiesOptional() const override { return true; }
    QStringList capabilities(const Reply& reply) const override;
    bool offersStartTls(const QStringList& capabilities) const override;
    bool offersAuth(const QStringList& capabilities) const override;
    QByteArray startTlsCommand() override { return QByteArrayLiteral("STLS\r\n"); }
    QByteArray quitCommand() override { return QByteArrayLiteral("QUIT\r\n"); }
    QString startTlsVerb() const override { return QStringLiteral("STLS"); }
    QString quitVerb() const override { return QStringLiteral("QUIT"); }

    QStringList saslMechanisms(const QStringList& capabilities) const override;
    bool acceptsInitialResponse(const QStringList&) const override { return true; }
    Command authenticateCommand(const QByteArray& mechanism,
                                const std::optional<QByteArray>& initialResponse) override;
    bool offersPasswordLogin(const QStringList& capabilities) const override;
    QList<Command> passwordLoginCommands(const QString& user, const QByteArray& password) override;
    QString passwordLoginName() const override { return QStringLiteral("USER/PASS"); }

private:
    enum class Status
    {
        Ok,
        Err,
        Continuation,
        Invalid
    };
    static Status status(const QByteArray& line, QByteArray* text);

    Expect m_expect = Expect::Generic;
    Reply m_reply;
    bool m_inMultiline = false;
    QString m_problem;
};
