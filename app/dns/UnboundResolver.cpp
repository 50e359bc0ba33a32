#include "UnboundResolver.h"

#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QtEndian>
#include <QTimer>
#include <unbound.h>

namespace {

/// Reads a domain name in uncompressed wire format (RFC 1035 s.3.1) at `pos`; libunbound hands
/// out rdata with names already decompressed.
QString readName(const QByteArray& data, int& pos, bool* ok)
{
    QStringList labels;
    *ok = false;
    while (pos < data.size()) {
        const int len = quint8(data.at(pos++));
        if (len == 0) {
            *ok = true;
            return labels.join(QLatin1Char('.'));
        }
        if (len > 63 || pos + len > data.size())
            return {};
        labels.append(QString::fromLatin1(data.mid(pos, len)).toLower());
        pos += len;
    }
    return {};
}

QString trimDot(QString name)
{
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    return name;
}

} // namespace

UnboundResolver::UnboundResolver(const ResolverSettings& settings, QObject* parent)
    : Resolver(parent)
    , m_timeoutMs(settings.timeoutMs)
{
    if (!setUp(settings) && m_ctx) {
        ub_ctx_delete(m_ctx);
        m_ctx = nullptr;
    }
}

UnboundResolver::~UnboundResolver()
{
    m_notifier.reset();
    if (m_ctx)
        ub_ctx_delete(m_ctx); // cancels what is still queued; no callback runs after this
}

bool UnboundResolver::isValidServer(const QString& server, QString* error)
{
    const qsizetype at = server.lastIndexOf(QLatin1Char('@'));
    const QString address = at < 0 ? server : server.left(at);
    if (QHostAddress(address).isNull()) {
        *error = tr("--dns-server needs an IP address (optionally @PORT), not \"%1\"").arg(server);
        return false;
    }
    if (at >= 0) {
        bool ok = false;
        const uint port = server.mid(at + 1).toUInt(&ok);
        if (!ok || port == 0 || port > 65535) {
            *error = tr("--dns-server: \"%1\" is not a port number").arg(server.mid(at + 1));
            return false;
        }
    }
    return true;
}

bool UnboundResolver::setUp(const ResolverSettings& settings)
{
    m_ctx = ub_ctx_create();
    if (!m_ctx) {
        m_setupError = tr("The DNS resolver library could not start");
        return false;
    }
    // `test.` is NXDOMAIN by default (RFC 6761 local zones); only a config file lifts it.
    const QString config = m_configDir.filePath(QStringLiteral("unbound.conf"));
    QFile file(config);
    if (!m_configDir.isValid() || !file.open(QIODevice::WriteOnly)) {
        m_setupError = tr("Cannot write the resolver's configuration: %1").arg(file.errorString());
        return false;
    }
    file.write("server:\n    local-zone: \"test.\" nodefault\n");
    file.close();
    if (int rc = ub_ctx_config(m_ctx, QFile::encodeName(config).constData()); rc != 0) {
        m_setupError = tr("Resolver configuration refused: %1").arg(QString::fromUtf8(ub_strerror(rc)));
        return false;
    }
    if (int rc = ub_ctx_async(m_ctx, 1); rc != 0) {
        m_setupError = QString::fromUtf8(ub_strerror(rc));
        return false;
    }
    if (!settings.server.isEmpty()) {
        QString why;
        if (!isValidServer(settings.server, &why)) {
            m_setupError = why;
            return false;
        }
        if (int rc = ub_ctx_set_fwd(m_ctx, settings.server.toLatin1().constData()); rc != 0) {
            m_setupError = tr("--dns-server %1: %2").arg(settings.server, QString::fromUtf8(ub_strerror(rc)));
            return false;
        }
    } else if (int rc = ub_ctx_resolvconf(m_ctx, nullptr); rc != 0) {
        m_setupError = tr("Cannot read the system's resolvers: %1").arg(QString::fromUtf8(ub_strerror(rc)));
        return false;
    }
    const QString anchor = settings.trustAnchorFile.isEmpty()
                               ? QString::fromLatin1(ResolverSettings::RootTrustAnchor)
                               : settings.trustAnchorFile;
    if (!QFileInfo(anchor).isFile()) {
        m_setupError = tr("The trust anchor %1 is not a readable file").arg(anchor);
        return false;
    }
    if (int rc = ub_ctx_add_ta_file(m_ctx, QFile::encodeName(anchor).constData()); rc != 0) {
        m_setupError =
            tr("The trust anchor %1 was refused: %2").arg(anchor, QString::fromUtf8(ub_strerror(rc)));
        return false;
    }
    const int fd = ub_fd(m_ctx);
    if (fd < 0) {
        m_setupError = tr("The DNS resolver library has no event descriptor");
        return false;
    }
    m_notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &UnboundResolver::onReadable);
    return true;
}

void UnboundResolver::lookup(const QString& name, DnsType type, QObject* context, Callback done)
{
    auto fail = [&](const QString& why) {
        DnsAnswer answer;
        answer.name = name;
        answer.type = type;
        answer.rcode = DnsRcode::Failed;
        answer.error = why;
        QTimer::singleShot(0, context, [answer, done] { done(answer); });
    };
    if (!m_ctx) {
        fail(m_setupError);
        return;
    }
    const int seq = m_nextSeq++;
    auto cookie = std::make_unique<Cookie>(Cookie {this, seq});
    int ubId = 0;
    const int rc = ub_resolve_async(m_ctx, name.toLatin1().constData(), int(type), 1 /* IN */, cookie.get(),
                                    &UnboundResolver::onResult, &ubId);
    if (rc != 0) {
        fail(QString::fromUtf8(ub_strerror(rc)));
        return;
    }
    m_pending.emplace(seq, Pending {name, type, context, std::move(done), ubId, std::move(cookie)});
    QTimer::singleShot(m_timeoutMs, this, [this, seq] {
        const auto it = m_pending.find(seq);
        if (it == m_pending.end())
            return;
        ub_cancel(m_ctx, it->second.ubId); // its callback will not run
        DnsAnswer answer;
        answer.name = it->second.name;
        answer.type = it->second.type;
        answer.rcode = DnsRcode::Failed;
        answer.error = tr("No DNS answer within %1 s").arg(m_timeoutMs / 1000.0);
        finish(seq, answer);
    });
}

void UnboundResolver::onReadable()
{
    if (m_ctx)
        ub_process(m_ctx);
}

void UnboundResolver::onResult(void* data, int err, ub_result* result)
{
    const auto* cookie = static_cast<const Cookie*>(data);
    UnboundResolver* me = cookie->resolver;
    const int seq = cookie->seq; // the cookie dies with its Pending entry in finish()
    const auto it = me->m_pending.find(seq);
    if (it != me->m_pending.end()) {
        DnsAnswer answer;
        if (err != 0 || !result) {
            answer.name = it->second.name;
            answer.type = it->second.type;
            answer.rcode = DnsRcode::Failed;
            answer.error = QString::fromUtf8(ub_strerror(err));
        } else {
            answer = decode(it->second.name, it->second.type, result);
        }
        me->finish(seq, answer);
    }
    if (result)
        ub_resolve_free(result);
}

void UnboundResolver::finish(int seq, const DnsAnswer& answer)
{
    const auto it = m_pending.find(seq);
    if (it == m_pending.end())
        return;
    Pending p = std::move(it->second);
    m_pending.erase(it);
    if (p.context && p.done)
        p.done(answer);
}

DnsAnswer UnboundResolver::decode(const QString& name, DnsType type, const ub_result* result)
{
    DnsAnswer a;
    a.name = name;
    a.type = type;
    if (result->secure)
        a.security = DnsSecurity::Secure;
    else if (result->bogus)
        a.security = DnsSecurity::Bogus;
    else
        a.security = DnsSecurity::Insecure;
    if (result->why_bogus)
        a.whyBogus = QString::fromUtf8(result->why_bogus);
    if (result->nxdomain || result->rcode == 3)
        a.rcode = DnsRcode::NxDomain;
    else if (result->rcode == 2) {
        a.rcode = DnsRcode::ServFail;
        a.error = tr("The DNS server failed to answer (SERVFAIL)");
    } else if (result->rcode != 0) {
        a.rcode = DnsRcode::Failed;
        a.error = tr("DNS error code %1").arg(result->rcode);
    }
    if (a.security == DnsSecurity::Bogus) {
        // A bogus answer must not be used (RFC 4035 s.4.3): keep only the status.
        if (a.rcode == DnsRcode::ServFail)
            a.rcode = DnsRcode::NoError;
        return a;
    }
    if (result->canonname) {
        const QString canon = trimDot(QString::fromLatin1(result->canonname));
        if (canon.compare(name, Qt::CaseInsensitive) != 0)
            a.canonicalName = canon;
    }
    if (!result->havedata || !result->data)
        return a;
    for (int i = 0; result->data[i]; ++i) {
        const QByteArray rdata(result->data[i], result->len[i]);
        switch (type) {
        case DnsType::A:
            if (rdata.size() == 4)
                a.addresses.append(QHostAddress(qFromBigEndian<quint32>(rdata.constData())));
            break;
        case DnsType::Aaaa:
            if (rdata.size() == 16)
                a.addresses.append(QHostAddress(reinterpret_cast<const quint8*>(rdata.constData())));
            break;
        case DnsType::Mx: {
            if (rdata.size() < 3)
                break;
            int pos = 2;
            bool ok = false;
            const QString host = readName(rdata, pos, &ok);
            if (ok)
                a.mx.append(MxRecord {qFromBigEndian<quint16>(rdata.constData()), host});
            break;
        }
        case DnsType::Txt: {
            QByteArray text;
            for (int pos = 0; pos < rdata.size();) {
                const int len = quint8(rdata.at(pos++));
                text += rdata.mid(pos, len);
                pos += len;
            }
            a.txt.append(text);
            break;
        }
        case DnsType::Tlsa:
            if (rdata.size() >= 3)
                a.tlsa.append(
                    TlsaRecord {quint8(rdata.at(0)), quint8(rdata.at(1)), quint8(rdata.at(2)), rdata.mid(3)});
            break;
        case DnsType::Cname:
            break;
        }
    }
    return a;
}
