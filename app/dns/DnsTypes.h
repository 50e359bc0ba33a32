#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>

/// Record types the domain check asks for (RFC 1035, RFC 3596, RFC 6698).
enum class DnsType : quint16
{
    A = 1,
    Cname = 5,
    Mx = 15,
    Txt = 16,
    Aaaa = 28,
    Tlsa = 52,
};

/// What DNSSEC validation said about an answer (RFC 4033 s.5 "secure", "insecure", "bogus").
enum class DnsSecurity
{
    Secure, ///< validated from a trust anchor
    Insecure, ///< provably unsigned (or no trust anchor covers it)
    Bogus, ///< should be signed but validation failed: the answer must not be used
    Indeterminate, ///< no answer to judge (the lookup failed)
};

/// The outcome of one lookup, before looking at the records.
enum class DnsRcode
{
    NoError, ///< with or without data (NODATA: empty records)
    NxDomain,
    ServFail,
    Failed, ///< no answer at all (timeout, no server, bad name)
};

struct MxRecord
{
    quint16 preference = 0;
    QString host; ///< without the trailing dot; "" for the null MX "." (RFC 7505)
    friend bool operator==(const MxRecord&, const MxRecord&) = default;
};

/// RFC 6698 s.2.1: usage, selector, matching type, certificate association data.
struct TlsaRecord
{
    quint8 usage = 0;
    quint8 selector = 0;
    quint8 matchingType = 0;
    QByteArray data;
    friend bool operator==(const TlsaRecord&, const TlsaRecord&) = default;
    /// "3 1 1 ab12..." (presentation format)
    QString toText() const;
};

/// One answer: the records of one type at one name, with its DNSSEC status.
struct DnsAnswer
{
    QString name; ///< as asked, without the trailing dot
    DnsType type = DnsType::A;
    DnsRcode rcode = DnsRcode::NoError;
    DnsSecurity security = DnsSecurity::Indeterminate;
    QString whyBogus; ///< the validator's reason when security is Bogus
    QString error; ///< why there is no answer (Failed, ServFail)
    /// The name the records are at when the asked name is an alias (CNAME), else empty.
    QString canonicalName;
    QList<QHostAddress> addresses; ///< A / AAAA
    QList<MxRecord> mx;
    QList<TlsaRecord> tlsa;
    QList<QByteArray> txt; ///< one entry per TXT record, its strings concatenated (RFC 7208 s.3.3)

    bool hasData() const
    {
        return !addresses.isEmpty() || !mx.isEmpty() || !tlsa.isEmpty() || !txt.isEmpty();
    }
};

QString toKey(DnsSecurity s);
QString toKey(DnsRcode r);
QString toKey(DnsType t);
