#include "Dialect.h"

#include "SmtpDialect.h"

Dialect::~Dialect() = default;

std::unique_ptr<Dialect> Dialect::create(Protocol protocol, const QByteArray& heloName)
{
    switch (protocol) {
    case Protocol::Smtp:
        return std::make_unique<SmtpDialect>(heloName);
    case Protocol::Imap:
    case Protocol::Pop3:
        break;
    }
    return nullptr;
}
