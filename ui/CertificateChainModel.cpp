#include "CertificateChainModel.h"

#include "run/TerminalText.h"
#include "UiStyle.h"

CertificateChainModel::CertificateChainModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

void CertificateChainModel::setRun(const Run* run)
{
    beginResetModel();
    m_run = run;
    m_count = run ? int(run->certificates.size()) : 0;
    endResetModel();
}

void CertificateChainModel::onTlsChanged() { setRun(m_run); }

const CertificateInfo* CertificateChainModel::certificate(const QModelIndex& index) const
{
    if (!m_run || !index.isValid() || int(index.internalId()) >= m_count)
        return nullptr;
    return &m_run->certificates.at(int(index.internalId()));
}

QModelIndex CertificateChainModel::indexForChain(int chainIndex) const
{
    if (chainIndex < 0 || chainIndex >= m_count)
        return {};
    return createIndex(0, 0, quintptr(chainIndex));
}

QModelIndex CertificateChainModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row != 0 || column != 0)
        return {};
    const int chain = parent.isValid() ? int(parent.internalId()) + 1 : 0;
    if (chain >= m_count)
        return {};
    return createIndex(0, 0, quintptr(chain));
}

QModelIndex CertificateChainModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(0, 0, quintptr(child.internalId() - 1));
}

int CertificateChainModel::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return 0;
    const int chain = parent.isValid() ? int(parent.internalId()) + 1 : 0;
    return chain < m_count ? 1 : 0;
}

int CertificateChainModel::columnCount(const QModelIndex& parent) const
{
    Q_UNUSED(parent)
    return 1;
}

QVariant CertificateChainModel::data(const QModelIndex& index, int role) const
{
    const CertificateInfo* c = certificate(index);
    if (!c)
        return {};
    const int chain = int(index.internalId());
    QString role_;
    if (chain == 0)
        role_ = tr("server certificate");
    else if (c->selfSigned)
        role_ = tr("root");
    else
        role_ = tr("intermediate");
    switch (role) {
    case Qt::DisplayRole: {
        const QString name = c->commonName.isEmpty() ? c->subject : c->commonName;
        return tr("%1 (%2)").arg(TerminalText::escaped(name), role_);
    }
    case Qt::DecorationRole:
        if (!c->errors.isEmpty() || c->daysLeft < 0)
            return UiStyle::statusIcon(StepStatus::Failed);
        return UiStyle::icon(QStringLiteral("certificate"));
    case Qt::ToolTipRole: {
        if (c->errors.isEmpty())
            return TerminalText::escaped(c->subject);
        QStringList errors;
        for (const QString& e : c->errors)
            errors.append(TerminalText::escaped(e));
        return errors.join(QLatin1Char('\n'));
    }
    case ChainIndexRole:
        return chain;
    case HasErrorsRole:
        return !c->errors.isEmpty();
    default:
        return {};
    }
}
