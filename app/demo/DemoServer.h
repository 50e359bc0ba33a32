#pragma once

#include "run/Types.h"

#include <memory>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QStringList>

class DemoListener;
class QSslSocket;

/**
 * The built-in demo mail server: listeners on 127.0.0.1 that speak SMTP, IMAP and POP3, each with
 * STARTTLS and implicit TLS, and play a named scenario, so anyone can try Mailscope without a mail
 * server at hand. Each listener hands plaintext QSslSockets to a per-protocol connection class
 * (DemoSmtpConnection, DemoImapConnection, DemoPop3Connection) that decides when to start
 * server-side TLS; everything runs on the caller's
 * event loop. Its certificates come from a CA labelled as the demo CA, issued on the first launch
 * and kept in the data folder (DemoCertificateStore), so what a profile trusts of the demo still
 * holds after a restart; the CA's file is caFile(). Never trusted outside a demo run.
 */
class DemoServer final : public QObject
{
    Q_OBJECT

public:
    struct Scenario
    {
        QString name;
        QString description; ///< one translated sentence: what the scenario shows
    };

    explicit DemoServer(QObject* parent = nullptr);
    ~DemoServer() override;
    Q_DISABLE_COPY_MOVE(DemoServer)

    static QList<Scenario> scenarios();
    static bool hasScenario(const QString& name);

    /// Starts listening on 127.0.0.1. `port` 0 picks free ports; a non-zero port is used for
    /// SMTP with STARTTLS and the following ports for the other listeners (SMTPS on port + 1;
    /// IMAP, IMAPS, POP3, POP3S on port + 2 .. port + 5). False on failure.
    /// The certificates are loaded (or issued and stored) on the first start.
    bool start(quint16 port = 0);
    void stop();
    bool isListening() const;
    QString errorString() const;

    /// The scenario new connections play (existing ones keep theirs).
    void setScenario(const QString& name);
    QString scenario() const;

    /// The listening port for a protocol and TLS mode (0 when not served).
    quint16 port(Protocol protocol, TlsMode mode) const;
    /// The demo's listeners as the eight well-known mail ports (AllPortsCheck's port map): 25, 587
    /// and 2525 share the SMTP STARTTLS listener, 465 is SMTPS, 143/993/110/995 IMAP and POP3.
    /// Empty while not listening.
    QMap<quint16, quint16> allPortsMap() const;
    /// The same as `mailscope-cli check --ports` takes it ("25=N,465=M,...").
    QString allPortsOption() const;
    /// PEM file with the demo CA: `mailscope-cli check --ca-file` verifies the good scenario with it.
    /// The same path and certificate on every launch (a temporary file only when the data folder
    /// cannot be written).
    QString caFile() const;
    QList<QSslCertificate> caCertificates() const;
    /// The good scenario's server certificate (the demo mail domain publishes TLSA for it).
    QSslCertificate goodCertificate() const;
    /// The host name the good certificate is for ("localhost").
    static QString hostName();

    /// A connection idle this long is closed (SMTP: 421, IMAP: * BYE, POP3: -ERR). Default 60 s.
    void setIdleTimeout(int milliseconds);

private:
    bool ensureCertificates();
    void acceptConnection(const DemoListener* listener, QSslSocket* socket);

    struct Private;
    std::unique_ptr<Private> d;
};
