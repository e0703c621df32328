"""Vietnamese function words: dropped from long queries so they cannot dominate the ranking.

Short queries keep them (a user who types "của" alone means it). Words listed here are matched
after lowercasing and tone normalisation, in pyvi's "_" joined form.
"""
from __future__ import annotations

STOPWORDS = frozenset(
    """
    ai bao bị bởi các cái cả chỉ cho chứ chưa có có_thể cùng của cũng đã đang đây để đến đều
    điều do đó được gì hay hơn khi không là lại làm lên mà mình một này nào nên nếu nhiều như
    những nữa ở ra rằng rất rồi sau sẽ so sự tại theo thì thế tới trên trong từ và vào vẫn về vì với
    vừa ấy bằng đi hết hoặc nhưng thôi thường vậy nhằm nhất còn qua ngoài giữa cùng_với đối_với
    tuy nhiên tuy_nhiên trong_khi hiện_nay hiện đó_là gì_là là_gì ai_là như_thế_nào
    thế_nào bao_nhiêu đâu sao tại_sao vì_sao
    """.split()
)
