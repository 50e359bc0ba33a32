#include "DemoServer.h"

#include "DemoCertificates.h"
#include "DemoCertificateStore.h"
#include "DemoConnection.h"
#include "DemoImapConnection.h"
#include "DemoListener.h"
#include "DemoPop3Connection.h"
#include "DemoScenario.h"
#include "DemoSmtpConnection.h"
#include "LegacyTlsResponder.h"

#include <algorithm>
#include <optional>
#include <QDir>
#include <QFile>
#include <QPointer>
#include <QSslSocket>
#include <QTemporaryDir>
#include <utility>

namespace {

/// One listening port: what it speaks and its offset from the base port given to start().
struct ListenerSpec
{
    Protocol protocol;
    TlsMode mode;
    quint16 offset;
};

/// The listeners served, each protocol with STARTTLS and with implicit TLS; their connection
/// classes come from createConnection().
constexpr ListenerSpec ServedListeners[] = {
    {Protocol::Smtp, TlsMode::StartTls, 0}, {Protocol::Smtp, TlsMode::Implicit, 1},
    {Protocol::Imap, TlsMode::StartTls, 2}, {Protocol::Imap, TlsMode::Implicit, 3},
    {Protocol::Pop3, TlsMode::StartTls, 4}, {Protocol::Pop3, TlsMode::Implicit, 5},
};
constexpr quint16 ReservedPortRange = 6;

DemoConnection* createConnection(Protocol protocol, QSslSocket* socket, DemoConnection::Settings settings,
                                 QObject* parent)
{
    switch (protocol) {
    case Protocol::Smtp:
        return new DemoSmtpConnection(socket, std::move(settings), parent);
    case Protocol::Imap:
        return new DemoImapConnection(socket, std::move(settings), parent);
    case Protocol::Pop3:
        return new DemoPop3Connection(socket, std::move(settings), parent);
    }
    return nullptr;
}

/// What a port speaks in the swapped-protocols scenario: the next protocol, round the three.
Protocol swappedProtocol(Protocol protocol)
{
    switch (protocol) {
    case Protocol::Smtp:
        return Protocol::Imap;
    case Protocol::Imap:
        return Protocol::Pop3;
    case Protocol::Pop3:
        return Protocol::Smtp;
    }
    return protocol;
}

} // namespace

struct DemoServer::Private
{
    QString scenario = DemoScenarios::name(DemoScenario::Good);
    QString errorString;
    std::optional<DemoCertificates> certificates;
    std::unique_ptr<QTemporaryDir> directory;
    QString caFile;
    QList<QPointer<DemoListener>> listeners;
    QList<DemoConnection*> connections;
    quint64 serial = 0;
    int idleTimeoutMs = 60000;
};

DemoServer::DemoServer(QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
}

DemoServer::~DemoServer() { stop(); }

QList<DemoServer::Scenario> DemoServer::scenarios()
{
    QList<Scenario> list;
    const QList<DemoScenario> all = DemoScenarios::all();
    for (DemoScenario s : all)
        list.append({DemoScenarios::name(s), DemoScenarios::description(s)});
    return list;
}

bool DemoServer::hasScenario(const QString& name) { return DemoScenarios::fromName(name).has_value(); }

QMap<quint16, quint16> DemoServer::allPortsMap() const
{
    if (!isListening())
        return {};
    const quint16 smtp = port(Protocol::Smtp, TlsMode::StartTls);
    return {{25, smtp},
            {465, port(Protocol::Smtp, TlsMode::Implicit)},
            {587, smtp},
            {2525, smtp},
            {143, port(Protocol::Imap, TlsMode::StartTls)},
            {993, port(Protocol::Imap, TlsMode::Implicit)},
            {110, port(Protocol::Pop3, TlsMode::StartTls)},
            {995, port(Protocol::Pop3, TlsMode::Implicit)}};
}

QString DemoServer::allPortsOption() const
{
    QStringList items;
    const QMap<quint16, quint16> map = allPortsMap();
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        items.append(QStringLiteral("%1=%2").arg(it.key()).arg(it.value()));
    return items.join(QLatin1Char(','));
}

QString DemoServer::hostName() { return QStringLiteral("localhost"); }

void DemoServer::setIdleTimeout(int milliseconds) { d->idleTimeoutMs = milliseconds; }

bool DemoServer::ensureCertificates()
{
    if (d->certificates)
        return true;
    // The same certificates on every launch: a profile that trusts the demo CA file or the good
    // certificate's fingerprint still works after a restart.
    QString why;
    if (std::optional<DemoCertificateStore::Loaded> kept =
            DemoCertificateStore::loadOrIssue(DemoCertificateStore::defaultDirectory(), &why)) {
        d->certificates = std::move(kept->certificates);
        d->caFile = kept->caFile;
        return true;
    }
    // No data folder to keep them in (read-only home, a file in the way): this launch still gets a
    // demo, with certificates that end with it.
    qCWarning(lcDemo).noquote()
        << QStringLiteral("The demo certificates cannot be kept (%1); using new ones for this launch only.")
               .arg(why);
    DemoCertificates set = DemoCertificates::generate();
    if (set.isNull()) {
        d->errorString = tr("Could not issue the demo certificates.");
        return false;
    }
    auto directory =
        std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/mailscope-demo-XXXXXX"));
    if (!directory->isValid()) {
        d->errorString = tr("Could not create a temporary directory: %1").arg(directory->errorString());
        return false;
    }
    const QString path = directory->filePath(QStringLiteral("demo-ca.pem"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(set.root.certificate.toPem()) < 0 || !file.flush()) {
        d->errorString = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.close();
    d->certificates = std::move(set);
    d->directory = std::move(directory);
    d->caFile = path;
    return true;
}

bool DemoServer::start(quint16 port)
{
    stop();
    d->errorString.clear();
    if (port != 0 && quint32(port) + ReservedPortRange - 1 > 65535) {
        d->errorString = tr("Port %1 is too high: the demo server needs %2 consecutive ports.")
                             .arg(port)
                             .arg(ReservedPortRange);
        return false;
    }
    if (!ensureCertificates())
        return false;

    for (const ListenerSpec& spec : ServedListeners) {
        auto* listener = new DemoListener(spec.protocol, spec.mode, this);
        d->listeners.append(listener);
        const quint16 wanted = port == 0 ? 0 : quint16(port + spec.offset);
        if (!listener->listen(QHostAddress(QHostAddress::LocalHost), wanted)) {
            d->errorString = tr("Cannot listen on 127.0.0.1:%1: %2").arg(wanted).arg(listener->errorString());
            stop();
            return false;
        }
        connect(listener, &DemoListener::accepted, this,
                [this, listener](QSslSocket* socket) { acceptConnection(listener, socket); });
    }
    qCDebug(lcDemo) << "demo server listening, SMTP" << this->port(Protocol::Smtp, TlsMode::StartTls)
                    << "SMTPS" << this->port(Protocol::Smtp, TlsMode::Implicit) << "IMAP"
                    << this->port(Protocol::Imap, TlsMode::StartTls) << "IMAPS"
                    << this->port(Protocol::Imap, TlsMode::Implicit) << "POP3"
                    << this->port(Protocol::Pop3, TlsMode::StartTls) << "POP3S"
                    << this->port(Protocol::Pop3, TlsMode::Implicit) << "scenario" << d->scenario;
    return true;
}

void DemoServer::stop()
{
    const QList<QPointer<DemoListener>> listeners = std::exchange(d->listeners, {});
    for (const QPointer<DemoListener>& listener : listeners) {
        if (!listener)
            continue;
        listener->disconnect(this);
        listener->close();
        listener->deleteLater();
    }
    const QList<DemoConnection*> connections = std::exchange(d->connections, {});
    for (DemoConnection* connection : connections) {
        connection->disconnect(this);
        connection->abort();
        connection->deleteLater();
    }
}

bool DemoServer::isListening() const
{
    return std::any_of(d->listeners.cbegin(), d->listeners.cend(),
                       [](const QPointer<DemoListener>& l) { return l && l->isListening(); });
}

QString DemoServer::errorString() const { return d->errorString; }

void DemoServer::setScenario(const QString& name)
{
    if (!hasScenario(name)) {
        qCWarning(lcDemo) << "unknown demo scenario" << name << "- keeping" << d->scenario;
        return;
    }
    d->scenario = name;
}

QString DemoServer::scenario() const { return d->scenario; }

quint16 DemoServer::port(Protocol protocol, TlsMode mode) const
{
    for (const QPointer<DemoListener>& listener : d->listeners) {
        if (listener && listener->protocol() == protocol && listener->tlsMode() == mode
            && listener->isListening())
            return listener->serverPort();
    }
    return 0;
}

QString DemoServer::caFile() const { return d->caFile; }

QList<QSslCertificate> DemoServer::caCertificates() const
{
    if (!d->certificates)
        return {};
    return {d->certificates->root.certificate};
}

QSslCertificate DemoServer::goodCertificate() const
{
    return d->certificates ? d->certificates->good.certificate : QSslCertificate();
}

void DemoServer::acceptConnection(const DemoListener* listener, QSslSocket* socket)
{
    const DemoScenario scenario = DemoScenarios::fromName(d->scenario).value_or(DemoScenario::Good);
    DemoConnection::Settings settings;
    settings.scenario = scenario;
    // The "wrong port" scenarios change what a port speaks, not how the conversation goes.
    settings.implicitTls =
        listener->tlsMode() == TlsMode::Implicit || scenario == DemoScenario::ExpectsImplicitTls;
    settings.tls = d->certificates->serverConfiguration(scenario);
    if (scenario == DemoScenario::LegacyTls) {
        settings.legacyTls = LegacyTlsResponder::legacyServer();
        settings.legacyTls.certificateDer = d->certificates->good.certificate.toDer();
        // What the real handshake serves to a TLS 1.3 hello; here it marks a lower version
        // chosen for an older hello (RFC 8446 s.4.1.3).
        settings.legacyTls.suites[0x0304] = {0x1302, 0x1303, 0x1301};
    }
    settings.idleTimeoutMs = d->idleTimeoutMs;
    settings.nextSerial = [this] { return ++d->serial; };

    const Protocol protocol = scenario == DemoScenario::SwappedProtocols
                                  ? swappedProtocol(listener->protocol())
                                  : listener->protocol();
    DemoConnection* connection = createConnection(protocol, socket, std::move(settings), this);
    if (!connection) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    d->connections.append(connection);
    connect(connection, &DemoConnection::finished, this, [this, connection] {
        d->connections.removeOne(connection);
        connection->deleteLater();
    });
    connection->start();
}
