#include "StaticResolver.h"

#include <QTimer>

StaticResolver::StaticResolver(QObject* parent)
    : Resolver(parent)
{
}

QString StaticResolver::key(const QString& name, DnsType type)
{
    return name.toLower() + QLatin1Char('/') + QString::number(int(type));
}

void StaticResolver::add(const DnsAnswer& answer)
{
    m_answers.insert(key(answer.name, answer.type), answer);
    m_names.insert(answer.name.toLower());
}

void StaticResolver::add(const QString& name, DnsType type, DnsAnswer answer)
{
    answer.name = name;
    answer.type = type;
    add(answer);
}

void StaticResolver::lookup(const QString& name, DnsType type, QObject* context, Callback done)
{
    ++m_lookups;
    DnsAnswer answer;
    const auto it = m_answers.constFind(key(name, type));
    if (it != m_answers.cend()) {
        answer = *it;
    } else {
        answer.name = name;
        answer.type = type;
        answer.security = DnsSecurity::Insecure;
        answer.rcode = m_names.contains(name.toLower()) ? DnsRcode::NoError : DnsRcode::NxDomain;
    }
    // Asynchronous like a real resolver: callers must not rely on re-entrancy.
    QTimer::singleShot(0, context, [answer, done = std::move(done)] { done(answer); });
}
