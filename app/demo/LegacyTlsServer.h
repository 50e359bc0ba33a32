#pragma once

#include "LegacyTlsResponder.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

/**
 * A scripted TLS server on 127.0.0.1 that answers raw ClientHellos with LegacyTlsResponder: an
 * SMTP server with STARTTLS (220 banner, EHLO advertising STARTTLS, 220 go-ahead; RFC 3207) or
 * implicit TLS, whose first TLS flight is what a server accepting RC4, 3DES, export, NULL and
 * anonymous suites would send. Nothing can complete a handshake with it: after the flight it
 * waits for the client to hang up (anything more gets alert handshake_failure). It can limit
 * connections per client address and answer `421 4.7.0` beyond (RFC 5321 s.3.8), as an MTA
 * with a per-client connection limit does. Runs on the caller's event loop.
 */
class LegacyTlsServer final : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        LegacyTlsConfig tls = LegacyTlsResponder::legacyServer();
        bool implicitTls = false;
        /// At most this many open connections per client address; 0: no limit.
        int maxConnectionsPerClient = 0;
        int idleTimeoutMs = 30000;
        QByteArray hostName = "legacy.demo.test";
    };

    /// Longest SMTP command line read (RFC 5321 s.4.5.3.1.4: 512 octets).
    static constexpr qsizetype MaxLineLength = 512;

    explicit LegacyTlsServer(Settings settings, QObject* parent = nullptr);
    ~LegacyTlsServer() override;
    Q_DISABLE_COPY_MOVE(LegacyTlsServer)

    /// Listens on 127.0.0.1:`port` (0: a free port).
    bool listen(quint16 port = 0);
    quint16 port() const { return m_server.serverPort(); }
    const Settings& settings() const { return m_settings; }

    int open() const { return m_open; } ///< connections open now
    int accepted() const { return m_accepted; } ///< connections served
    int refused() const { return m_refused; } ///< connections answered 421 (or closed) at the limit
    int mostOpen() const { return m_mostOpen; } ///< most connections open at once
    int answers() const { return m_answers; } ///< TLS answers sent (hellos, alerts)

private:
    class Connection;
    void onNewConnection();
    void onConnectionDone(Connection* connection);

    const Settings m_settings;
    QTcpServer m_server;
    QHash<QHostAddress, int> m_openPerClient;
    int m_open = 0;
    int m_accepted = 0;
    int m_refused = 0;
    int m_mostOpen = 0;
    int m_answers = 0;
};
