#include "DnsTypes.h"

QString TlsaRecord::toText() const
{
    return QStringLiteral("%1 %2 %3 %4")
        .arg(usage)
        .arg(selector)
        .arg(matchingType)
        .arg(QString::fromLatin1(data.toHex()));
}

QString toKey(DnsSecurity s)
{
    switch (s) {
    case DnsSecurity::Secure:
        return QStringLiteral("secure");
    case DnsSecurity::Insecure:
        return QStringLiteral("insecure");
    case DnsSecurity::Bogus:
        return QStringLiteral("bogus");
    case DnsSecurity::Indeterminate:
        break;
    }
    return QStringLiteral("indeterminate");
}

QString toKey(DnsRcode r)
{
    switch (r) {
    case DnsRcode::NoError:
        return QStringLiteral("noerror");
    case DnsRcode::NxDomain:
        return QStringLiteral("nxdomain");
    case DnsRcode::ServFail:
        return QStringLiteral("servfail");
    case DnsRcode::Failed:
        break;
    }
    return QStringLiteral("failed");
}

QString toKey(DnsType t)
{
    switch (t) {
    case DnsType::A:
        return QStringLiteral("A");
    case DnsType::Cname:
        return QStringLiteral("CNAME");
    case DnsType::Mx:
        return QStringLiteral("MX");
    case DnsType::Txt:
        return QStringLiteral("TXT");
    case DnsType::Aaaa:
        return QStringLiteral("AAAA");
    case DnsType::Tlsa:
        break;
    }
    return QStringLiteral("TLSA");
}
