#pragma once

#include "DemoConnection.h"

#include <QList>

/**
 * The demo server's IMAP side (RFC 9051 / RFC 3501 subset, STARTTLS per RFC 9051 s.6.2.1 and
 * RFC 2595, SASL-IR per RFC 4959): greeting, CAPABILITY, NOOP, STARTTLS, LOGIN, AUTHENTICATE
 * PLAIN, SELECT/EXAMINE of an empty INBOX, and LOGOUT. Arguments may be atoms, quoted strings or
 * literals ({n} and {n+}). Passwords are refused before TLS (LOGINDISABLED), except where the
 * scenario shows that mistake; the preauth scenario greets with PREAUTH instead.
 */
class DemoImapConnection final : public DemoConnection
{
    Q_OBJECT

public:
    /// Largest literal a command may carry (a literal is read line by line, so no longer than a line).
    static constexpr qsizetype MaxLiteralSize = MaxLineLength;
    /// Largest command, literals included.
    static constexpr qsizetype MaxCommandSize = 4 * MaxLineLength;

    DemoImapConnection(QSslSocket* socket, Settings settings, QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(DemoImapConnection)

    /// Splits command arguments: atoms, quoted strings (with \\ and \" escapes) and literals
    /// ("{n}" or "{n+}", CRLF, n bytes). False on bad syntax.
    static bool parseArguments(const QByteArray& text, QList<QByteArray>* arguments);

protected:
    void greet() override;
    void handleLine(const QByteArray& line) override;
    void handleLineTooLong() override;
    void handleIdleTimeout() override;
    void resetAfterTls() override;

private:
    enum class Mode
    {
        Command,
        Literal,
        AuthResponse
    };

    void reply(const QByteArray& tag, const QByteArray& status);
    void untagged(const QByteArray& text);
    void continueCommandText(const QByteArray& text);
    void runCommand(const QByteArray& command);
    void onCapability(const QByteArray& tag, const QList<QByteArray>& arguments);
    void onStartTls(const QByteArray& tag, const QList<QByteArray>& arguments);
    void onLogin(const QByteArray& tag, const QList<QByteArray>& arguments);
    void onAuthenticate(const QByteArray& tag, const QList<QByteArray>& arguments);
    void onAuthResponse(const QByteArray& line);
    void onSelect(const QByteArray& tag, const QByteArray& verb, const QList<QByteArray>& arguments);
    void onLogout(const QByteArray& tag);
    void checkCredentials(const QByteArray& tag, const QByteArray& user, const QByteArray& password);
    void resetCommand();

    QByteArray capabilities() const;
    bool startTlsAdvertised() const;
    bool loginAllowed() const;

    Mode m_mode = Mode::Command;
    bool m_authenticated = false;
    QByteArray m_command; ///< the command so far, literals included, while it spans lines
    qsizetype m_literalLeft = 0; ///< bytes of the current literal still to come
    QByteArray m_authTag; ///< the AUTHENTICATE waiting for its response
    int m_errors = 0;
};
