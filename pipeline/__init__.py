"""Timeline pipeline: news article text in, dated and tagged events out."""
