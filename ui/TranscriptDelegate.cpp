#include "TranscriptDelegate.h"

#include "TranscriptModel.h"
#include "UiStyle.h"

#include <QApplication>
#include <QPainter>

TranscriptDelegate::TranscriptDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{
}

void TranscriptDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QPalette& pal = option->palette;
    const QChar dir = index.data(TranscriptModel::DirectionRole).toChar();
    const bool discarded = index.data(TranscriptModel::DiscardedRole).toBool();
    if (index.column() == TranscriptModel::TimeColumn) {
        option->palette.setColor(QPalette::Text, UiStyle::muted(pal));
        return;
    }
    if (index.column() != TranscriptModel::TextColumn)
        return;
    if (dir == QLatin1Char('I')) {
        option->font.setItalic(true);
        option->palette.setColor(QPalette::Text, UiStyle::muted(pal));
        return;
    }
    option->font = UiStyle::monospaceFont();
    if (discarded) {
        option->font.setStrikeOut(true);
        option->palette.setColor(QPalette::Text, UiStyle::danger(pal));
        option->backgroundBrush = UiStyle::tint(UiStyle::danger(pal), pal, 0.10);
    } else if (dir == QLatin1Char('C')) {
        option->palette.setColor(QPalette::Text, UiStyle::clientText(pal));
    }
}

void TranscriptDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                               const QModelIndex& index) const
{
    if (index.data(TranscriptModel::BoundaryRole).toBool()) {
        paintBoundary(painter, option, index);
        return;
    }
    if (index.column() == TranscriptModel::DirectionColumn) {
        paintGutter(painter, option, index);
        return;
    }
    if (index.column() == TranscriptModel::TextColumn
        && index.data(TranscriptModel::DiscardedRole).toBool()) {
        // A "discarded" tag before the struck-through text.
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        painter->save();
        if (!(opt.state & QStyle::State_Selected))
            painter->fillRect(opt.rect, opt.backgroundBrush);
        QFont tagFont = QApplication::font();
        tagFont.setPointSizeF(tagFont.pointSizeF() * 0.8);
        tagFont.setBold(true);
        const QString tag = tr("DISCARDED");
        const QFontMetrics fm(tagFont);
        QRect tagRect(opt.rect.left() + 3, opt.rect.top() + 3, fm.horizontalAdvance(tag) + 10,
                      opt.rect.height() - 6);
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(UiStyle::danger(opt.palette));
        painter->drawRoundedRect(tagRect, 3, 3);
        painter->setPen(UiStyle::isDark(opt.palette) ? QColor(Qt::black) : QColor(Qt::white));
        painter->setFont(tagFont);
        painter->drawText(tagRect, Qt::AlignCenter, tag);
        painter->restore();
        opt.rect.setLeft(tagRect.right() + 4);
        opt.backgroundBrush = Qt::NoBrush;
        QStyledItemDelegate::paint(painter, opt, index);
        return;
    }
    QStyledItemDelegate::paint(painter, option, index);
}

void TranscriptDelegate::paintBoundary(QPainter* painter, const QStyleOptionViewItem& option,
                                       const QModelIndex& index) const
{
    if (index.column() != TranscriptModel::TextColumn && index.column() != 0)
        return;
    painter->save();
    const QPalette& pal = option.palette;
    const QColor green = UiStyle::success(pal);
    const QRect r = option.rect;
    painter->fillRect(r, UiStyle::tint(green, pal, 0.12));
    painter->setPen(QPen(green, 1.5));
    painter->drawLine(r.left(), r.top() + 1, r.right(), r.top() + 1);
    const int iconSize = r.height() - 8;
    const QString text = index.model()->index(index.row(), TranscriptModel::TextColumn).data().toString();
    QFont font = option.font;
    font.setBold(true);
    const QFontMetrics fm(font);
    const int width = iconSize + 6 + fm.horizontalAdvance(text);
    const int x = r.left() + 12;
    UiStyle::icon(QStringLiteral("lock-closed"))
        .paint(painter, QRect(x, r.top() + (r.height() - iconSize) / 2, iconSize, iconSize));
    painter->setFont(font);
    painter->setPen(green);
    painter->drawText(QRect(x + iconSize + 6, r.top(), width, r.height()), Qt::AlignVCenter | Qt::AlignLeft,
                      text);
    painter->restore();
}

void TranscriptDelegate::paintGutter(QPainter* painter, const QStyleOptionViewItem& option,
                                     const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    opt.icon = QIcon();
    // Selection background and focus as usual, then our marker on top.
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    const QChar dir = index.data(TranscriptModel::DirectionRole).toChar();
    if (dir == QLatin1Char('I') || dir.isNull())
        return;
    const QPalette& pal = option.palette;
    const bool tls = index.data(TranscriptModel::TlsRole).toBool();
    const bool discarded = index.data(TranscriptModel::DiscardedRole).toBool();
    const bool selected = option.state & QStyle::State_Selected;
    const QColor colour = selected                  ? pal.color(QPalette::HighlightedText)
                          : discarded               ? UiStyle::danger(pal)
                          : dir == QLatin1Char('C') ? UiStyle::clientText(pal)
                                                    : UiStyle::muted(pal);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRect r = option.rect;
    // A bar on the left edge: the direction colour at a glance, even when scrolled fast.
    painter->fillRect(QRect(r.left(), r.top(), 3, r.height()), colour);
    QFont font = UiStyle::monospaceFont();
    font.setBold(true);
    painter->setFont(font);
    painter->setPen(colour);
    const QRect textRect(r.left() + 7, r.top(), r.width() - 7, r.height());
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                      discarded ? QStringLiteral("S!") : QString(dir) + QLatin1Char(':'));
    if (tls) {
        const int s = std::min(r.height() - 8, 14);
        UiStyle::icon(QStringLiteral("lock-closed"))
            .paint(painter, QRect(r.right() - s - 4, r.top() + (r.height() - s) / 2, s, s));
    }
    painter->restore();
}

QSize TranscriptDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(std::max(size.height(), QFontMetrics(UiStyle::monospaceFont()).height() + 6));
    return size;
}
