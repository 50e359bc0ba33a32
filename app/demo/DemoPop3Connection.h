#pragma once

#include "DemoConnection.h"

/**
 * The demo server's POP3 side (RFC 1939, CAPA per RFC 2449, STLS per RFC 2595, AUTH per RFC 5034):
 * greeting, CAPA, STLS, USER/PASS, AUTH PLAIN, and an empty maildrop (STAT, LIST, UIDL), QUIT.
 * Passwords are refused before TLS (neither USER nor SASL is advertised there), except where the
 * scenario shows that mistake.
 */
class DemoPop3Connection final : public DemoConnection
{
    Q_OBJECT

public:
    DemoPop3Connection(QSslSocket* socket, Settings settings, QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(DemoPop3Connection)

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
        AuthResponse
    };

    void reply(const QByteArray& line);
    void handleCommand(const QByteArray& verb, const QByteArray& argument);
    void onCapa();
    void onStls(const QByteArray& argument);
    void onUser(const QByteArray& argument);
    void onPass(const QByteArray& argument);
    void onAuth(const QByteArray& argument);
    void onAuthResponse(const QByteArray& line);
    void onMaildropCommand(const QByteArray& verb, const QByteArray& argument);
    void checkCredentials(const QByteArray& user, const QByteArray& password);

    bool stlsOffered() const;
    bool loginAllowed() const;

    Mode m_mode = Mode::Command;
    bool m_authenticated = false; ///< TRANSACTION state (RFC 1939 s.5)
    QByteArray m_user; ///< from USER, waiting for PASS
    int m_errors = 0;
};
