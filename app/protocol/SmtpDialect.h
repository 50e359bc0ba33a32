#pragma once

#include "Dialect.h"

/// SMTP (RFC 5321) with ESMTP extensions and STARTTLS (RFC 3207).
class SmtpDialect final : public Dialect
{
public:
    /// Replies longer than this many lines are refused as TooLong (real EHLO replies have ~15).
    static constexpr int MaxReplyLines = 512;

    explicit SmtpDialect(QByteArray heloName);

    Protocol protocol() const override { return Protocol::Smtp; }
    void expectReply(Expect expect) override;
    Feed feed(const QByteArray& line) override;
    Reply takeReply() override;
    QString problem() const override { return m_problem; }
    bool mayArriveUnasked(const QByteArray& line) const override;

    QByteArray capabilityCommand(int attempt) override;
    QStringList capabilities(const Reply& reply) const override;
    bool offersStartTls(const QStringList& capabilities) const override;
    bool offersAuth(const QStringList& capabilities) const override;
    QByteArray startTlsCommand() override { return QByteArrayLiteral("STARTTLS\r\n"); }
    QByteArray quitCommand() override { return QByteArrayLiteral("QUIT\r\n"); }
    QString startTlsVerb() const override { return QStringLiteral("STARTTLS"); }
    QString quitVerb() const override { return QStringLiteral("QUIT"); }

    QStringList saslMechanisms(const QStringList& capabilities) const override;
    bool acceptsInitialResponse(const QStringList&) const override { return true; }
    Command authenticateCommand(const QByteArray& mechanism,
                                const std::optional<QByteArray>& initialResponse) override;

    /// Parses "250-TEXT" / "250 TEXT" / "250": the code, whether more lines follow, and the text.
    /// Returns false when the line is not an SMTP reply line.
    static bool parseLine(const QByteArray& line, int* code, bool* more, QByteArray* text);
    /// True when a reply with `code` can answer what `expect` stands for (RFC 5321 s.4.3.2):
    /// the command's own success code, or any error (4xx/5xx), which every command may get.
    static bool answers(Expect expect, int code);

private:
    static QString commandName(Expect expect);
    static QString successCodes(Expect expect);

    QByteArray m_heloName;
    Expect m_expect = Expect::Generic;
    Reply m_reply;
    QStringList m_texts;
    QString m_problem;
};
