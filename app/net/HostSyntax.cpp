#include "HostSyntax.h"

#include <algorithm>
#include <QCoreApplication>
#include <QHostAddress>
#include <QUrl>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("HostSyntax", text); }

bool isDigits(QStringView text)
{
    return !text.isEmpty()
           && std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

bool isLdhLabel(QStringView label)
{
    if (label.isEmpty() || label.size() > 63 || label.startsWith(u'-') || label.endsWith(u'-'))
        return false;
    return std::all_of(label.begin(), label.end(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'-';
    });
}

QString ipv4Problem(const QString& host)
{
    const QStringList parts = host.split(QLatin1Char('.'));
    bool valid = parts.size() == 4;
    for (const QString& part : parts)
        valid = valid && isDigits(part) && part.size() <= 3 && part.toUInt() <= 255;
    return valid ? QString() : tr("\"%1\" is not a valid IPv4 address.").arg(host);
}

} // namespace

QString HostSyntax::problem(const QString& host)
{
    if (host.isEmpty())
        return tr("The host name is empty.");
    if (host.contains(QLatin1Char(':'))) {
        QHostAddress address;
        if (!address.setAddress(host) || address.protocol() != QAbstractSocket::IPv6Protocol)
            return tr("\"%1\" is not a valid IPv6 address.").arg(host);
        return {};
    }
    QString name = host;
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1); // the root label of a fully qualified name
    // RFC 1123 s.2.1: a name whose last label is numeric would be read as an address.
    const bool looksNumeric =
        std::all_of(name.begin(), name.end(), [](QChar c) { return c == u'.' || (c >= u'0' && c <= u'9'); });
    if (looksNumeric)
        return ipv4Problem(host);
    const QString ace = QString::fromLatin1(QUrl::toAce(name));
    const auto invalid = [&] {
        return tr("\"%1\" is not a valid host name: use letters, digits, hyphens and dots, like "
                  "mail.example.org.")
            .arg(host);
    };
    if (ace.isEmpty())
        return invalid();
    if (ace.size() > 253)
        return tr("\"%1\" is not a valid host name: longer than 253 characters.").arg(host);
    const QStringList labels = ace.split(QLatin1Char('.'));
    if (!std::all_of(labels.begin(), labels.end(), [](const QString& l) { return isLdhLabel(l); }))
        return invalid();
    return {};
}

std::optional<HostPort> HostSyntax::parse(const QString& text, QString* error)
{
    HostPort hp;
    QString portText;
    bool hasPort = false;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0) {
            *error = tr("\"%1\": missing ']' after the IPv6 address.").arg(text);
            return std::nullopt;
        }
        hp.host = text.mid(1, close - 1);
        const QString rest = text.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(QLatin1Char(':'))) {
                *error = tr("\"%1\": expected ':PORT' after ']'.").arg(text);
                return std::nullopt;
            }
            hasPort = true;
            portText = rest.mid(1);
        }
        if (!hp.host.contains(QLatin1Char(':'))) {
            *error = tr("\"%1\": brackets are only for IPv6 addresses.").arg(text);
            return std::nullopt;
        }
    } else if (text.count(QLatin1Char(':')) > 1) {
        hp.host = text; // a bare IPv6 address; a port needs the [addr]:port form
    } else {
        const qsizetype colon = text.indexOf(QLatin1Char(':'));
        hp.host = colon < 0 ? text : text.left(colon);
        if (colon >= 0) {
            hasPort = true;
            portText = text.mid(colon + 1);
        }
    }
    if (hp.host.isEmpty()) {
        *error = tr("\"%1\": no host name.").arg(text);
        return std::nullopt;
    }
    if (hasPort) {
        // Digits only: "25 ", "+25" or "0x19" are typos, not ports.
        const uint port = isDigits(portText) && portText.size() <= 5 ? portText.toUInt() : 0;
        if (port == 0 || port > 65535) {
            *error = portText.isEmpty()
                         ? tr("\"%1\": the port after ':' is missing (give a number from 1 to 65535, or "
                              "no ':').")
                               .arg(text)
                         : tr("\"%1\": the port must be a number from 1 to 65535, not \"%2\".")
                               .arg(text, portText);
            return std::nullopt;
        }
        hp.port = quint16(port);
    }
    const QString problem = HostSyntax::problem(hp.host);
    if (!problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return hp;
}
