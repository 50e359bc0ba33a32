#pragma once

#include "DemoConnection.h"

/**
 * The demo server's SMTP side (RFC 5321 with ESMTP, STARTTLS per RFC 3207, AUTH PLAIN/LOGIN per
 * RFC 4954): a reactive state machine that answers whatever the client sends, in the way the
 * connection's scenario dictates. Messages are counted and acknowledged, never stored.
 */
class DemoSmtpConnection final : public DemoConnection
{
    Q_OBJECT

public:
    /// Advertised and enforced message size limit (RFC 1870).
    static constexpr qint64 MaxMessageSize = 10240000;

    DemoSmtpConnection(QSslSocket* socket, Settings settings, QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(DemoSmtpConnection)

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
        Data,
        AuthPlain,
        AuthLoginUser,
        AuthLoginPassword
    };

    void reply(const QByteArray& line);
    void handleCommand(const QByteArray& verb, const QByteArray& argument);
    void onHelo(const QByteArray& argument, bool extended);
    void onStartTls(const QByteArray& argument);
    void onAuth(const QByteArray& argument);
    void onAuthResponse(const QByteArray& line);
    void onMail(const QByteArray& argument);
    void onRcpt(const QByteArray& argument);
    void onData(const QByteArray& argument);
    void onDataLine(const QByteArray& line);
    void checkCredentials(const QByteArray& user, const QByteArray& password);
    void resetTransaction();
    bool startTlsOffered() const;
    bool authOffered() const;

    Mode m_mode = Mode::Command;
    bool m_greeted = false; ///< HELO or EHLO seen (since the last TLS upgrade)
    bool m_extended = false; ///< it was EHLO
    bool m_authenticated = false;
    bool m_inTransaction = false; ///< MAIL FROM accepted
    int m_recipients = 0;
    qint64 m_dataSize = 0;
    bool m_dataLineTooLong = false;
    QByteArray m_loginUser;
    int m_errors = 0;
};
