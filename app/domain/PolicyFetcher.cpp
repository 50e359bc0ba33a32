#include "PolicyFetcher.h"

#include <QSslConfiguration>

PolicyFetcher::PolicyFetcher(Resolver* resolver, QString host, Options options, QObject* parent)
    : QObject(parent)
    , m_resolver(resolver)
    , m_host(std::move(host))
    , m_options(std::move(options))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        done(Outcome::Timeout, tr("No complete answer within %1 s").arg(m_options.timeoutMs / 1000.0));
    });
    connect(&m_socket, &QSslSocket::encrypted, this, &PolicyFetcher::onEncrypted);
    connect(&m_socket, &QSslSocket::readyRead, this, &PolicyFetcher::onReadyRead);
    connect(&m_socket, &QSslSocket::disconnected, this, &PolicyFetcher::onDisconnected);
    connect(&m_socket, &QSslSocket::errorOccurred, this, &PolicyFetcher::onSocketError);
    connect(&m_socket, &QSslSocket::sslErrors, this, &PolicyFetcher::onSslErrors);
}

void PolicyFetcher::start()
{
    m_timer.start(m_options.timeoutMs);
    m_pendingLookups = 2;
    m_resolver->lookup(m_host, DnsType::A, this, [this](const DnsAnswer& a) { onAddresses(a); });
    m_resolver->lookup(m_host, DnsType::Aaaa, this, [this](const DnsAnswer& a) { onAddresses(a); });
}

void PolicyFetcher::onAddresses(const DnsAnswer& answer)
{
    // A bogus answer carries no addresses (the resolver withholds them).
    if (answer.type == DnsType::A)
        m_addresses = answer.addresses + m_addresses;
    else
        m_addresses += answer.addresses;
    if (--m_pendingLookups > 0 || m_done)
        return;
    if (m_addresses.isEmpty()) {
        done(Outcome::NoAddress, tr("%1 has no address").arg(m_host));
        return;
    }
    connectNext();
}

void PolicyFetcher::connectNext()
{
    ++m_addressIndex;
    if (m_addressIndex >= m_addresses.size()) {
        done(Outcome::ConnectFailed, tr("Could not connect to %1 port %2: %3")
                                         .arg(m_host)
                                         .arg(m_options.port)
                                         .arg(m_socket.errorString()));
        return;
    }
    m_socket.abort();
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    if (!m_options.extraCaCertificates.isEmpty())
        config.setCaCertificates(config.caCertificates() + m_options.extraCaCertificates);
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_socket.setSslConfiguration(config);
    m_socket.setPeerVerifyName(m_host); // SNI and the name the certificate must carry (RFC 8461 s.3.3)
    m_result.address = m_addresses.at(m_addressIndex).toString();
    m_socket.connectToHostEncrypted(m_result.address, m_options.port, m_host);
}

void PolicyFetcher::onSslErrors(const QList<QSslError>& errors)
{
    QStringList words;
    for (const QSslError& e : errors)
        words.append(e.errorString());
    m_certificateFailed = true;
    done(Outcome::CertificateInvalid, words.join(QStringLiteral("; ")));
}

void PolicyFetcher::onEncrypted()
{
    const QByteArray request =
        "GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: " + m_host.toLatin1()
        + "\r\nUser-Agent: mailscope\r\nAccept: text/plain\r\nConnection: close\r\n\r\n";
    m_socket.write(request);
}

void PolicyFetcher::onReadyRead()
{
    m_buffer += m_socket.readAll();
    evaluate(false);
}

void PolicyFetcher::onDisconnected()
{
    if (!m_done)
        evaluate(true);
}

void PolicyFetcher::onSocketError(QAbstractSocket::SocketError error)
{
    if (m_done || m_certificateFailed)
        return;
    if (error == QAbstractSocket::RemoteHostClosedError && m_socket.isEncrypted()) {
        m_buffer += m_socket.readAll();
        evaluate(true);
        return;
    }
    if (!m_socket.isEncrypted()) {
        connectNext();
        return;
    }
    done(Outcome::Malformed, m_socket.errorString());
}

void PolicyFetcher::evaluate(bool closed)
{
    if (m_done)
        return;
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_buffer.size() > MaxHeaderBytes)
            done(Outcome::Malformed, tr("The response header is longer than %1 bytes").arg(MaxHeaderBytes));
        else if (closed)
            done(Outcome::Malformed, tr("The connection closed before a complete HTTP response"));
        return;
    }
    const QList<QByteArray> header = m_buffer.left(end).split('\n');
    const QByteArray statusLine = header.first().trimmed();
    const QList<QByteArray> parts = statusLine.split(' ');
    if (parts.size() < 2 || !parts.first().startsWith("HTTP/1.")) {
        done(Outcome::Malformed,
             tr("Not an HTTP response: %1").arg(QString::fromLatin1(statusLine.left(80))));
        return;
    }
    const int status = parts.at(1).toInt();
    QByteArray contentType;
    qsizetype contentLength = -1;
    bool chunked = false;
    QByteArray location;
    for (qsizetype i = 1; i < header.size(); ++i) {
        const QByteArray line = header.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-type")
            contentType = value.toLower();
        else if (name == "content-length")
            contentLength = value.toLongLong();
        else if (name == "transfer-encoding")
            chunked = value.toLower().contains("chunked");
        else if (name == "location")
            location = value;
    }
    if (status >= 300 && status < 400) {
        // RFC 8461 s.3.3: "HTTP 3xx redirects MUST NOT be followed".
        done(Outcome::Redirect, tr("HTTP %1 redirect to %2 (not followed)")
                                    .arg(status)
                                    .arg(QString::fromLatin1(location.left(200))));
        return;
    }
    if (status != 200) {
        done(Outcome::HttpStatus,
             tr("HTTP status %1: %2").arg(status).arg(QString::fromLatin1(statusLine.left(120))));
        return;
    }
    // RFC 8461 s.3.2: the policy is served as "text/plain" (parameters such as charset allowed).
    if (!(contentType == "text/plain" || contentType.startsWith("text/plain;"))) {
        done(Outcome::ContentType,
             tr("Served as \"%1\", not text/plain").arg(QString::fromLatin1(contentType.left(80))));
        return;
    }
    if (contentLength > MaxBodyBytes) {
        done(Outcome::TooLarge,
             tr("The policy is %1 bytes; at most %2 are read").arg(contentLength).arg(MaxBodyBytes));
        return;
    }
    QByteArray body = m_buffer.mid(end + 4);
    if (chunked) {
        QByteArray decoded;
        qsizetype pos = 0;
        while (true) {
            const qsizetype eol = body.indexOf("\r\n", pos);
            if (eol < 0)
                break;
            bool ok = false;
            const qsizetype size = body.mid(pos, eol - pos).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok) {
                done(Outcome::Malformed, tr("A chunk size is not hexadecimal"));
                return;
            }
            if (size == 0) {
                body = decoded;
                chunked = false;
                closed = true; // complete
                break;
            }
            if (eol + 2 + size > body.size())
                break;
            decoded += body.mid(eol + 2, size);
            if (decoded.size() > MaxBodyBytes)
                break;
            pos = eol + 2 + size + 2;
        }
        if (decoded.size() > MaxBodyBytes) {
            done(Outcome::TooLarge, tr("The policy is longer than %1 bytes").arg(MaxBodyBytes));
            return;
        }
        if (chunked) {
            if (m_buffer.size() > MaxHeaderBytes + 2 * MaxBodyBytes)
                done(Outcome::TooLarge, tr("The policy is longer than %1 bytes").arg(MaxBodyBytes));
            else if (closed)
                done(Outcome::Malformed, tr("The connection closed in the middle of the policy"));
            return;
        }
    } else if (body.size() > MaxBodyBytes) {
        done(Outcome::TooLarge, tr("The policy is longer than %1 bytes").arg(MaxBodyBytes));
        return;
    } else if (contentLength >= 0) {
        if (body.size() < contentLength) {
            if (closed)
                done(Outcome::Malformed, tr("The connection closed in the middle of the policy"));
            return;
        }
        body.truncate(contentLength);
    } else if (!closed) {
        return; // delimited by the end of the connection
    }
    m_result.body = body;
    done(Outcome::Ok, tr("HTTP 200, %1 bytes").arg(body.size()));
}

void PolicyFetcher::done(Outcome outcome, const QString& detail)
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    m_result.outcome = outcome;
    m_result.detail = detail;
    m_socket.abort();
    Q_EMIT finished();
}
