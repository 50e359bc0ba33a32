#pragma once

#include "dns/Resolver.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTimer>

/**
 * Fetches an MTA-STS policy (RFC 8461 s.3.3): `https://mta-sts.<domain>/.well-known/mta-sts.txt`
 * with a WebPKI-valid certificate for that name, no redirects followed, `text/plain`, at most
 * 64 KiB. The name resolves through the domain check's own Resolver (so a private zone and the
 * tests' loopback hosts work), which rules out QNetworkAccessManager (system resolver): the GET
 * is a tiny bounded HTTP/1.1 client on a QSslSocket, SNI and peer verify name set to the host.
 */
class PolicyFetcher final : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype MaxBodyBytes = 64 * 1024;
    static constexpr qsizetype MaxHeaderBytes = 16 * 1024;

    enum class Outcome
    {
        Ok,
        NoAddress, ///< mta-sts.<domain> does not resolve
        ConnectFailed,
        CertificateInvalid, ///< not WebPKI-valid for the name (sts-webpki-invalid)
        Redirect, ///< 3xx: must not be followed
        HttpStatus, ///< another status than 200
        ContentType, ///< not text/plain
        TooLarge,
        Malformed, ///< not HTTP
        Timeout,
    };
    struct Options
    {
        quint16 port = 443;
        QList<QSslCertificate> extraCaCertificates;
        int timeoutMs = 15000;
    };
    struct Result
    {
        Outcome outcome = Outcome::Timeout;
        QString detail; ///< in words: the status line, the certificate error, ...
        QByteArray body;
        QString address; ///< the address fetched from
    };

    PolicyFetcher(Resolver* resolver, QString host, Options options, QObject* parent = nullptr);
    void start();
    const Result& result() const { return m_result; }

Q_SIGNALS:
    void finished();

private:
    void onAddresses(const DnsAnswer& answer);
    void connectNext();
    void onEncrypted();
    void onReadyRead();
    void onDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void onSslErrors(const QList<QSslError>& errors);
    /// Judges the response once complete (or the connection closed).
    void evaluate(bool closed);
    void done(Outcome outcome, const QString& detail);

    Resolver* m_resolver;
    QString m_host;
    Options m_options;
    QSslSocket m_socket;
    QTimer m_timer;
    QList<QHostAddress> m_addresses;
    int m_pendingLookups = 0;
    qsizetype m_addressIndex = -1;
    QByteArray m_buffer;
    Result m_result;
    bool m_done = false;
    bool m_certificateFailed = false;
};
